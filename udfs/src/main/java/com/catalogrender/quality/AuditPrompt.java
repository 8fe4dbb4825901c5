package com.catalogrender.quality;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** One prompt of a held-out set: its attributes (the truth the audit checks) and its seed. */
public record AuditPrompt(
    String promptId, String category, String colour, String background, String lighting, long seed)
    implements Serializable {

  /** The attributes in the order the model's caption template names them. */
  public Map<String, String> attributes() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("category", category);
    out.put("colour", colour);
    out.put("background", background);
    out.put("lighting", lighting);
    return out;
  }
}
