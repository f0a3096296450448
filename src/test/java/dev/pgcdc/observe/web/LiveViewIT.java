package dev.pgcdc.observe.web;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live view in a real headless Chromium, as an operator opens it: {@code consume --web} and the
 * capture's {@code --metrics-port} each serve the page, and a change made in PostgreSQL shows up in it
 * within 2 s, the columns an update changed highlighted. Screenshots go to {@code target/live-view/}.
 */
class LiveViewIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration LIVE = Duration.ofSeconds(2);
    private static final Path SCREENSHOTS = Path.of("target", "live-view");

    @Test
    void aChangeInPostgresAppearsInTheLivePageWithinTwoSecondsWithChangedColumnsHighlighted() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the browser test needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver")
                .isTrue();
        KafkaConfig kafka = TestServices.kafka();
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("live");
        String topic = prefix + ".public.orders";
        TestServices.execute(database, "CREATE TABLE orders (id int PRIMARY KEY, customer text, status text, total numeric(10,2))");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "orders")), false, true);
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));
        int metricsPort = freePort();
        int webPort = freePort();
        WebDriver browser = null;
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", database.url(), "--user", database.user(),
                "--snapshot", "no_data", "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix,
                "--metrics-port", Integer.toString(metricsPort));
             PgcdcProcess consume = PgcdcProcess.start("consume", "--kafka", kafka.bootstrapServers(), "--topic", topic,
                     "--from-beginning", "--format", "table", "--web", Integer.toString(webPort))) {
            browser = chromium();
            assertThat(consume.awaitLine("Live view on http://localhost:" + webPort + "/", Duration.ofSeconds(60))).as(consume.output()).isTrue();
            assertThat(capture.awaitLine("Metrics and health on port " + metricsPort, Duration.ofSeconds(60))).as(capture.output()).isTrue();
            browser.get("http://localhost:" + webPort + "/");
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.id("status"), "live"));

            // The first change also waits for the slot, the consumer's partitions and the JIT: not part of "live".
            TestServices.execute(database, "INSERT INTO orders VALUES (1, 'ada', 'new', 12.50)");
            row(browser, "c", 1, Duration.ofSeconds(60));

            TestServices.execute(database, "INSERT INTO orders VALUES (2, 'grace', 'new', 99.00)");
            WebElement inserted = row(browser, "c", 2, LIVE);
            assertThat(inserted.findElement(By.cssSelector("td.table")).getText()).isEqualTo("public.orders");
            assertThat(inserted.findElements(By.cssSelector(".col.changed"))).isEmpty();

            TestServices.execute(database, "UPDATE orders SET status = 'paid', total = 101.00 WHERE id = 2");
            WebElement updated = row(browser, "u", 2, LIVE);
            assertThat(updated.findElements(By.cssSelector(".col.changed")))
                    .extracting(column -> column.getAttribute("data-column")).containsExactly("status", "total");
            assertThat(updated.findElement(By.cssSelector(".col.changed[data-column=status]")).getText()).isEqualTo("status: new → paid");
            assertThat(updated.findElement(By.cssSelector(".col[data-column=customer]")).getAttribute("class")).isEqualTo("col");
            TestServices.execute(database, "DELETE FROM orders WHERE id = 1");
            assertThat(row(browser, "d", 1, LIVE).findElement(By.cssSelector(".col[data-column=customer]")).getText()).isEqualTo("customer=ada");
            assertThat(browser.findElements(By.cssSelector("#rate-chart canvas, #lag-chart canvas"))).hasSize(2);
            screenshot(browser, "consume-web.png");

            browser.get("http://localhost:" + metricsPort + "/");
            WebElement published = row(browser, "u", 2, Duration.ofSeconds(10));
            assertThat(published.findElements(By.cssSelector(".col.changed"))).hasSize(2);
            assertThat(browser.findElement(By.id("title")).getText()).startsWith("capture ");
            screenshot(browser, "capture-metrics-port.png");
        } finally {
            if (browser != null) {
                browser.quit();
            }
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    /** Waits for the page's row of this operation on the order with this id. */
    private static WebElement row(WebDriver browser, String op, int id, Duration within) {
        By selector = By.cssSelector("#changes tr.change[data-op='" + op + "'][data-key='{\"id\":" + id + "}']");
        return new WebDriverWait(browser, within, Duration.ofMillis(20)).until(ExpectedConditions.presenceOfElementLocated(selector));
    }

    private static WebDriver chromium() {
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Root needs --no-sandbox; a container's small /dev/shm would crash the renderer.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,860");
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(SCREENSHOTS);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
