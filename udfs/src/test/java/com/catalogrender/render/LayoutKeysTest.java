package com.catalogrender.render;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.catalogrender.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class LayoutKeysTest {
  @Test
  void sparksHashPartitioningSendsEachKeyToItsPartition() {
    SparkSession spark = LocalSpark.builder("layout keys test", 2).getOrCreate();
    try {
      for (int partitions : new int[] {1, 7, 404}) {
        int[] keys = LayoutKeys.forPartitions(partitions);
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          rows.add(org.apache.spark.sql.RowFactory.create(p, keys[p]));
        }
        List<Row> placed =
            spark
                .createDataFrame(
                    rows,
                    new org.apache.spark.sql.types.StructType()
                        .add("wanted", DataTypes.IntegerType)
                        .add("key", DataTypes.IntegerType))
                .repartition(partitions, col("key"))
                .select(col("wanted"), spark_partition_id().as("got"))
                .collectAsList();
        assertEquals(partitions, placed.size());
        for (Row row : placed) {
          assertEquals(row.getInt(0), row.getInt(1), "key " + keys[row.getInt(0)]);
        }
      }
    } finally {
      spark.stop();
    }
  }
}
