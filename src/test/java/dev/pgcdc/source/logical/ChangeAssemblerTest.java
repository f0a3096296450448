package dev.pgcdc.source.logical;

import dev.pgcdc.event.RowChange;
import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Column;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Text;
import dev.pgcdc.source.logical.PgOutputMessage.Type;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a table's changes take from its Relation message and its types is worked out once, and again when they change. */
class ChangeAssemblerTest {

    private static final int TABLE_OID = 16_385;
    private static final int COMPOSITE_OID = 16_390;
    private static final int COMPOSITE_RELATION_OID = 16_388;

    /** A catalog whose composite type {@code pair} can gain a field, as {@code ALTER TYPE pair ADD ATTRIBUTE} does. */
    private static final class AlterableCatalog implements TypeResolver.Catalog {
        final List<Map.Entry<String, Integer>> fields = new ArrayList<>(List.of(Map.entry("a", 23)));

        @Override
        public TypeResolver.TypeRow type(int oid) {
            return oid == COMPOSITE_OID ? new TypeResolver.TypeRow('c', 'C', 0, ',', 0, COMPOSITE_RELATION_OID) : null;
        }

        @Override
        public List<Map.Entry<String, Integer>> attributes(int relationOid) {
            return List.copyOf(fields);
        }
    }

    private static ChangeAssembler assembler(TypeResolver.Catalog catalog) {
        ChangeAssembler assembler = new ChangeAssembler(oid -> List.of(), new TypeResolver(catalog), false);
        assembler.begin(new Begin(new Lsn(0x500), Instant.EPOCH, 7));
        return assembler;
    }

    private static Relation table(String firstColumn, boolean firstIsKey) {
        return new Relation(TABLE_OID, "public", "t", 'd',
                List.of(new Column(firstIsKey, firstColumn, 23, -1), new Column(false, "p", COMPOSITE_OID, -1)));
    }

    private static RowChange insert(ChangeAssembler assembler, String id, String pair) {
        return assembler.insert(new Insert(TABLE_OID, List.of(new Text(id), new Text(pair))), new Lsn(0x200));
    }

    @Test
    void aCompositeTypeChangedByATypeMessageIsRenderedWithItsNewFieldsFromTheNextChangeOn() {
        AlterableCatalog catalog = new AlterableCatalog();
        ChangeAssembler assembler = assembler(catalog);
        assembler.relation(table("id", true));
        assertThat(insert(assembler, "1", "(1)").after()).isEqualTo("{\"id\":1,\"p\":{\"a\":1}}");

        catalog.fields.add(Map.entry("b", 25));
        assembler.type(new Type(COMPOSITE_OID, "public", "pair"));
        assertThat(insert(assembler, "3", "(3,x)").after()).isEqualTo("{\"id\":3,\"p\":{\"a\":3,\"b\":\"x\"}}");
    }

    @Test
    void aNewRelationMessageRenamesTheColumnsAndMovesTheKeyOfTheNextChange() {
        ChangeAssembler assembler = assembler(new AlterableCatalog());
        assembler.relation(table("id", true));
        RowChange before = insert(assembler, "1", "(1)");
        assertThat(before.after()).startsWith("{\"id\":1,");
        assertThat(before.keyColumns()).containsExactly("id");

        assembler.relation(table("renamed \"id\"", false));
        RowChange after = insert(assembler, "2", "(2)");
        assertThat(after.after()).startsWith("{\"renamed \\\"id\\\"\":2,");
        assertThat(after.keyColumns()).isEmpty();
    }

    @Test
    void changesOfTwoTablesInTurnEachKeepTheirOwnTable() {
        ChangeAssembler assembler = assembler(new AlterableCatalog());
        assembler.relation(table("id", true));
        assembler.relation(new Relation(TABLE_OID + 1, "other", "u", 'd', List.of(new Column(true, "k", 25, -1))));
        RowChange first = insert(assembler, "1", "(1)");
        RowChange second = assembler.insert(new Insert(TABLE_OID + 1, List.of(new Text("x"))), new Lsn(0x201));
        RowChange third = insert(assembler, "3", "(3)");
        assertThat(List.of(first, second, third)).extracting(change -> change.table().toString())
                .containsExactly("public.t", "other.u", "public.t");
        assertThat(second.after()).isEqualTo("{\"k\":\"x\"}");
        assertThat(third.keyColumns()).containsExactly("id");
    }
}
