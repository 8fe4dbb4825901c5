package com.catalogrender.tables;

import com.catalogrender.measure.Stage;
import com.catalogrender.measure.StageValues;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A table described once, as columns of a Java type: each column's name, Spark type, nullability
 * and how to read its value from the object. The Spark schema and every row come from this one
 * description, so they cannot drift apart.
 *
 * @param <T> the Java type one row is made of
 */
public final class TableDescription<T> {

  /** One column: name, type, whether it may be null, and how to read it from a {@code T}. */
  public record Column<T>(String name, DataType type, boolean nullable, Function<T, Object> read) {}

  private final List<Column<T>> columns;
  private final StructType schema;

  private TableDescription(List<Column<T>> columns) {
    this.columns = List.copyOf(columns);
    StructType struct = new StructType();
    for (Column<T> column : this.columns) {
      struct = struct.add(column.name(), column.type(), column.nullable());
    }
    this.schema = struct;
  }

  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  public StructType schema() {
    return schema;
  }

  public List<Column<T>> columns() {
    return columns;
  }

  /** The row of {@code value}, in the schema's column order. */
  public Row row(T value) {
    Object[] cells = new Object[columns.size()];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = columns.get(i).read().apply(value);
    }
    return RowFactory.create(cells);
  }

  /** Adds columns in order. */
  public static final class Builder<T> {
    private final List<Column<T>> columns = new ArrayList<>();

    /** A column that may be null. */
    public Builder<T> column(String name, DataType type, Function<T, Object> read) {
      columns.add(new Column<>(name, type, true, read));
      return this;
    }

    /** A column that is never null. */
    public Builder<T> required(String name, DataType type, Function<T, Object> read) {
      columns.add(new Column<>(name, type, false, read));
      return this;
    }

    /**
     * One non-null double column per {@link Stage}, named by {@code pattern} with the stage's label
     * for {@code %s} ({@code seconds_%s} gives {@code seconds_text_encoder}).
     */
    public Builder<T> perStage(
        String pattern, org.apache.spark.sql.types.DataType type, Function<T, StageValues> read) {
      for (Stage stage : Stage.values()) {
        columns.add(
            new Column<>(
                String.format(pattern, stage.label()), type, false, v -> read.apply(v).get(stage)));
      }
      return this;
    }

    public TableDescription<T> build() {
      return new TableDescription<>(columns);
    }
  }
}
