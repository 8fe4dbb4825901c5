package com.catalogrender.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationsTest {
  @Test
  void pathsFileAndLocalAreLocalEveryOtherSchemeIsRemote() {
    assertEquals(Path.of("models/demo"), Locations.localPath("models/demo"));
    assertEquals(Path.of("/opt/m"), Locations.localPath("file:/opt/m"));
    assertEquals(Path.of("/opt/m"), Locations.localPath("local:/opt/m"));
    assertNull(Locations.localPath("s3a://bucket/m"));
    assertTrue(Locations.isRemote("hdfs://nn:8020/m"));
    assertTrue(Locations.isRemote("viewfs+x.y://a/b"));
    assertFalse(Locations.isRemote("file:/opt/m"));
    assertFalse(Locations.isRemote("local:/opt/m"));
    assertFalse(Locations.isRemote("C:/models"), "a drive letter is not a scheme");
    assertNull(Locations.scheme("1abc:/x"), "a scheme starts with a letter");
  }
}
