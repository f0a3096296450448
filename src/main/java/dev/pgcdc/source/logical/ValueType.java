package dev.pgcdc.source.logical;

import java.util.List;

/**
 * How {@code row_to_json} renders a column's type, resolved to what matters for its text: domains are
 * their base type, arrays know their element type and delimiter ({@code ;} for {@code box}), composites
 * their fields (PostgreSQL's json.c, {@code json_categorize_type}).
 */
sealed interface ValueType {

    /** A scalar rendered by category. */
    record Scalar(RowEncoder.Category category) implements ValueType {
    }

    /** An array: a JSON array of its elements. */
    record ArrayOf(ValueType element, char delimiter) implements ValueType {
    }

    /** A composite (row) type: a JSON object of its fields, in order. */
    record Composite(List<Field> fields) implements ValueType {
        public Composite {
            fields = List.copyOf(fields);
        }
    }

    /** One field of a {@link Composite}. */
    record Field(String name, ValueType type) {
    }

    ValueType STRING = scalar(RowEncoder.Category.STRING);

    /** The one shared instance per category. */
    static Scalar scalar(RowEncoder.Category category) {
        return Scalars.BY_CATEGORY[category.ordinal()];
    }

    /** Scalars hold nothing but their category, so one each serves every column of that category. */
    final class Scalars {
        private static final Scalar[] BY_CATEGORY = java.util.Arrays.stream(RowEncoder.Category.values())
                .map(Scalar::new).toArray(Scalar[]::new);

        private Scalars() {
        }
    }
}
