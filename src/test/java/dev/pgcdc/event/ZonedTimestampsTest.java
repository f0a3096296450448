package dev.pgcdc.event;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ZonedTimestampsTest {

    @Test
    void utcOffsetBecomesZKeepingFractionFarYearsAndBc() {
        assertThat(ZonedTimestamps.fromUtc("2024-03-10T11:34:57.123457+00:00")).isEqualTo("2024-03-10T11:34:57.123457Z");
        assertThat(ZonedTimestamps.fromUtc("2024-03-10T11:34:57+00:00")).isEqualTo("2024-03-10T11:34:57Z");
        assertThat(ZonedTimestamps.fromUtc("10000-01-01T00:00:00+00:00")).isEqualTo("10000-01-01T00:00:00Z");
        assertThat(ZonedTimestamps.fromUtc("0044-03-15T12:00:00+00:00 BC")).isEqualTo("0044-03-15T12:00:00Z BC");
        assertThat(ZonedTimestamps.fromUtc("infinity")).isEqualTo("infinity");
        assertThat(ZonedTimestamps.fromUtc("2024-03-10T11:34:57+02:00")).isEqualTo("2024-03-10T11:34:57+02:00");
    }

    @Test
    void onlyTheNamedColumnsAreRewrittenAndEveryOtherByteIsKept() {
        String row = "{\"id\":1,\"at\":\"2024-01-01T10:00:00.5+00:00\",\"note\":\"2024-01-01T10:00:00+00:00\","
                + "\"stamps\":[\"2024-01-01T09:00:00+00:00\",null,\"infinity\"],\"j\":{\"a\" : [1.50, null]},\"n\":10.50}";
        assertThat(ZonedTimestamps.inColumns(row, Set.of("at", "stamps"))).isEqualTo(
                "{\"id\":1,\"at\":\"2024-01-01T10:00:00.5Z\",\"note\":\"2024-01-01T10:00:00+00:00\","
                + "\"stamps\":[\"2024-01-01T09:00:00Z\",null,\"infinity\"],\"j\":{\"a\" : [1.50, null]},\"n\":10.50}");
    }

    @Test
    void nestedMembersAndEscapedNamesLeaveTheColumnsAsTheyAre() {
        String row = "{\"j\":{\"at\":\"2024-01-01T10:00:00+00:00\",\"x\":[{\"at\":\"2024-01-01T10:00:00+00:00\"}]},"
                + "\"a\\\"t\":\"2024-01-01T10:00:00+00:00\", \"at\" : [[\"2024-01-01T10:00:00+00:00 BC\", \"b\\\"c\"]],"
                + "\"t\":\"2024-01-01T10:00:00+00:00\"}";
        assertThat(ZonedTimestamps.inColumns(row, Set.of("at", "a\"t"))).isEqualTo(
                "{\"j\":{\"at\":\"2024-01-01T10:00:00+00:00\",\"x\":[{\"at\":\"2024-01-01T10:00:00+00:00\"}]},"
                + "\"a\\\"t\":\"2024-01-01T10:00:00Z\", \"at\" : [[\"2024-01-01T10:00:00Z BC\", \"b\\\"c\"]],"
                + "\"t\":\"2024-01-01T10:00:00+00:00\"}");
    }

    @Test
    void rowWithoutZonedColumnsIsTheSameString() {
        String row = "{\"id\":1}";
        assertThat(ZonedTimestamps.inColumns(row, Set.of())).isSameAs(row);
        assertThat(ZonedTimestamps.inColumns(null, Set.of("at"))).isNull();
        assertThat(ZonedTimestamps.inColumns(row, Set.of("at"))).isSameAs(row);
    }

    @Test
    void documentTimestampsInAnySessionZoneBecomeUtcWithZ() {
        String payload = "{\"id\":1,\"at\":\"2024-02-29T13:14:15.5+02:00\",\"local\":\"2024-02-29T13:14:15.5\",\"amount\":10.50}";
        assertThat(ZonedTimestamps.inDocument(payload))
                .isEqualTo("{\"id\":1,\"at\":\"2024-02-29T11:14:15.5Z\",\"local\":\"2024-02-29T13:14:15.5\",\"amount\":10.50}");
        assertThat(ZonedTimestamps.inDocument("{\"at\":\"2024-03-01T00:30:00-05:30\"}")).isEqualTo("{\"at\":\"2024-03-01T06:00:00Z\"}");
    }

    @Test
    void documentWithoutTimestamptzIsTheSameString() {
        String payload = "{\"id\":42,\"amount\":10.50,\"sales_date\":\"2026-11-24T10:15:30.1\"}";
        assertThat(ZonedTimestamps.inDocument(payload)).isSameAs(payload);
    }
}
