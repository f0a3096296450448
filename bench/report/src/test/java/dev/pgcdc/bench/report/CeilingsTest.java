package dev.pgcdc.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CeilingsTest {

    private static final LatencySummary LATENCY = new LatencySummary(1000, 10, 20, 30, 40, 50, 12.0);

    private final List<Measurement> run = List.of(
            Measurement.ceiling("b", "PostgreSQL alone", 200_000, 150_000, ""),
            Measurement.ceiling("b", "decode (pg_recvlogical)", 200_000, 400_000, ""),
            Measurement.ceiling("b", "Kafka alone", 200_000, 80_000, ""),
            Measurement.ceiling("a", "PostgreSQL alone", 50_000, 5_000, ""),
            capture("b", 60_000),
            capture("a", 4_000),
            capture("c", 1_000));

    @Test
    void theLowerCeilingIsTheSlowestPartOfTheSameWorkload() {
        assertThat(Ceilings.lower("b", run)).hasValue(80_000);
        assertThat(Ceilings.lower("a", run)).hasValue(5_000);
        assertThat(Ceilings.lower("c", run)).isEmpty();
    }

    @Test
    void aCaptureIsReportedAsAFractionOfItsLowerCeiling() {
        assertThat(Ceilings.ratio(run.get(4), run).getAsDouble()).isCloseTo(0.75, within(1e-9));
        assertThat(Ceilings.ratio(run.get(5), run).getAsDouble()).isCloseTo(0.8, within(1e-9));
        assertThat(Ceilings.ratio(run.get(6), run)).isEmpty();
        assertThat(Ceilings.ratio(run.get(0), run)).isEmpty();
    }

    @Test
    void aZeroOrFailedCeilingIsNotALowerBound() {
        List<Measurement> withFailure = List.of(
                Measurement.ceiling("b", "Kafka alone", 0, 0, "failed"),
                Measurement.ceiling("b", "PostgreSQL alone", 200_000, 150_000, ""));

        assertThat(Ceilings.lower("b", withFailure)).hasValue(150_000);
    }

    @Test
    void ratesAreChangesPerElapsedSecond() {
        assertThat(Ceilings.perSecond(200_000, 4_000)).isEqualTo(50_000);
        assertThat(Ceilings.perSecond(5, 0)).isZero();
    }

    @Test
    void tablesCarryTheRatioAndLeaveCeilingCellsEmpty() {
        List<Measurement> table = List.of(run.get(2), run.get(4));

        assertThat(ReportTable.markdown(table).lines().toList()).containsExactly(
                "| workload | system | changes | changes/s | x lower ceiling | p50 ms | p95 ms | p99 ms | max ms | CPU us/change | w/o JIT | peak RSS MB | note |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
                "| b | Kafka alone | 200000 | 80,000 |  |  |  |  |  |  |  |  |  |",
                "| b | pgcdc logical | 60000 | 60,000 | 0.75 | 10 | 20 | 30 | 50 | 22.5 | 20.0 | 300 | a, b |");
        assertThat(ReportTable.csv(table).lines().skip(1).toList()).containsExactly(
                "b,Kafka alone,200000,80000,,,,,,,,,",
                "b,pgcdc logical,60000,60000,0.75,10,20,30,50,22.5,20.0,300,\"a, b\"");
    }

    private static Measurement capture(String workload, double perSecond) {
        return new Measurement(workload, "pgcdc logical", false, 60_000, perSecond, LATENCY, 22.5, 20.0, 300L, "a, b");
    }
}
