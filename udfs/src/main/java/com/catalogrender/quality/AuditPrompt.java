package com.catalogrender.quality;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One prompt of an audit's set and its seed: the demo model's attributes (the truth the audit
 * checks), or, for a model without an attribute vocabulary, a free caption (null otherwise).
 */
public record AuditPrompt(
    String promptId,
    String category,
    String colour,
    String background,
    String lighting,
    long seed,
    String caption)
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
