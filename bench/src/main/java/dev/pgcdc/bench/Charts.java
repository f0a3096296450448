package dev.pgcdc.bench;

import dev.pgcdc.bench.report.Measurement;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The report's two PNG charts: throughput beside the ceilings, and latency percentiles per paced rate. */
final class Charts {

    private Charts() {
    }

    static void throughput(List<Measurement> measurements, Path file) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Measurement m : measurements) {
            if (!m.workload().startsWith("d")) {
                data.addValue(m.perSecond(), m.system(), m.workload());
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("Throughput beside the ceilings (same run)", "workload",
                "changes/s", data, PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().getDomainAxis().setMaximumCategoryLabelLines(2);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1400, 650);
    }

    static void latency(List<Measurement> measurements, Path file) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Measurement m : measurements) {
            if (m.workload().startsWith("d") && m.latency() != null) {
                String category = m.workload().substring(1, m.workload().indexOf(' ')) + "/s " + m.system();
                data.addValue(Math.max(1, m.latency().p50()), "p50", category);
                data.addValue(Math.max(1, m.latency().p95()), "p95", category);
                data.addValue(Math.max(1, m.latency().p99()), "p99", category);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("End-to-end latency at fixed rates (commit or due time -> broker append)",
                "rate and system", "ms (log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LogarithmicAxis axis = new LogarithmicAxis("ms (log scale)");
        axis.setStrictValuesFlag(false);
        plot.setRangeAxis(axis);
        plot.getDomainAxis().setMaximumCategoryLabelLines(3);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1400, 650);
    }
}
