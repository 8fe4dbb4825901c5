package com.catalogrender.task;

import com.catalogrender.catalog.CatalogRow;
import com.catalogrender.catalog.PlannedCaption;
import com.catalogrender.diffusion.Variant;
import java.awt.image.BufferedImage;

/**
 * A row that passed admission: its planned variant, its caption and its (optional) cut-out.
 *
 * @param cutout the product cut-out to composite, or null
 */
record AdmittedRow(CatalogRow row, Variant variant, PlannedCaption caption, BufferedImage cutout) {}
