package com.catalogrender.caption;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The gateway's API key, read on the driver only (it is never shipped to executors, never put in a
 * Spark conf, and never printed: {@link #toString} masks it). Looked up first in the environment
 * variable named by {@code gateway.api_key_env}, then under {@code gateway.api_key_alias} in the
 * Hadoop credential providers of {@code hadoop.security.credential.provider.path}.
 */
public final class GatewayApiKey {
  private final String value;
  private final String origin;

  private GatewayApiKey(String value, String origin) {
    this.value = value;
    this.origin = origin;
  }

  /** The key, or null when neither place has one (a gateway without authentication). */
  public static GatewayApiKey resolve(
      GatewaySettings settings, Map<String, String> environment, Configuration hadoop) {
    String fromEnvironment = environment.get(settings.apiKeyEnv());
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new GatewayApiKey(
          fromEnvironment.trim(), "environment variable " + settings.apiKeyEnv());
    }
    if (hadoop != null && hadoop.get("hadoop.security.credential.provider.path") != null) {
      try {
        char[] secret = hadoop.getPassword(settings.apiKeyAlias());
        if (secret != null && secret.length > 0) {
          return new GatewayApiKey(
              new String(secret).trim(), "credential provider alias " + settings.apiKeyAlias());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "Cannot read the gateway API key alias '"
                + settings.apiKeyAlias()
                + "' from the Hadoop credential providers: "
                + e.getMessage(),
            e);
      }
    }
    return null;
  }

  String value() {
    return value;
  }

  /** Where the key came from, for the log: never the key. */
  public String origin() {
    return origin;
  }

  /** Replaces the key wherever it appears in a text (error bodies echoed by a gateway). */
  String mask(String text) {
    return text == null ? null : text.replace(value, "***");
  }

  @Override
  public String toString() {
    return "GatewayApiKey[*** from " + origin + "]";
  }
}
