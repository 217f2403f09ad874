package com.example.counter.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import com.example.counter.testsupport.Http;

/**
 * The page in a real browser: headless Chromium (Debian's {@code chromium}, driven through its
 * {@code chromium-driver}; nothing is downloaded). It loads, a click adds one, an increment from
 * another client shows up by itself (the event stream), stopping Redis shows the polite message
 * and starting it again brings the page back, with no console error and no CSP violation.
 * Screenshots of each state go to {@code target/screenshots}.
 */
@ExtendWith(LocalSystem.class)
class LivePageIT {

    private static final Duration FOLLOW = Duration.ofSeconds(15);
    private final Http http = LocalSystem.http();
    private final Path screenshots = Path.of(System.getProperty("counter.test.build-dir", "target"), "screenshots");
    private ChromeDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        Files.createDirectories(screenshots);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("counter.test.chromedriver", "/usr/bin/chromedriver")))
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getProperty("counter.test.chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-dev-shm-usage", "--window-size=1024,768");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePageCountsFollowsOthersSurvivesAnOutageAndStaysClean() {
        long start = Long.parseLong(http.get("/").body());
        browser.get(LocalSystem.BASE + "/");
        WebElement count = browser.findElement(By.id("count"));
        WebElement status = browser.findElement(By.id("status"));
        assertEquals("polite", count.getAttribute("aria-live"), "the count is announced to screen readers");
        awaitCount(count, start);
        screenshot("1-loaded");

        browser.findElement(By.id("increment")).click();
        awaitCount(count, start + 1);
        screenshot("2-clicked");

        assertEquals(start + 2, Long.parseLong(http.post("/inc").body()), "another client increments");
        awaitCount(count, start + 2);
        screenshot("3-followed-another-client");

        LocalSystem.redis().replica().stop();
        LocalSystem.redis().master().stop();
        await("the page to say the counter is unavailable").atMost(FOLLOW)
                .until(() -> status.getText().contains("unavailable"));
        screenshot("4-redis-stopped");

        LocalSystem.redis().ensureRunning();
        await("the page to recover by itself").atMost(Duration.ofSeconds(30))
                .until(() -> status.getText().isEmpty() && count.getText().equals(Long.toString(start + 2)));
        screenshot("5-recovered");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        assertTrue(browser.findElement(By.id("increment")).isDisplayed(), "the button fits a phone's screen");
        screenshot("6-phone-dark");

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertTrue(errors.isEmpty(), "console errors or CSP violations: " + errors);
    }

    @Test
    void aPageOpenedWhileRedisIsDownSaysSoPolitelyAndRecovers() {
        long stored = LocalSystem.storedCount();
        LocalSystem.redis().replica().stop();
        LocalSystem.redis().master().stop();

        // What a browser gets (checked against the contract: 503, Retry-After, the page as HTML).
        var response = http.get("/", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().contains("unavailable"), response.body());

        browser.get(LocalSystem.BASE + "/");
        WebElement count = browser.findElement(By.id("count"));
        WebElement status = browser.findElement(By.id("status"));
        assertTrue(status.getText().contains("unavailable"), "the page says why there is no count: " + status.getText());
        screenshot("7-opened-while-unavailable");

        LocalSystem.redis().ensureRunning();
        await("the page to show the count by itself").atMost(Duration.ofSeconds(30))
                .until(() -> status.getText().isEmpty() && count.getText().equals(Long.toString(stored)));
        screenshot("8-opened-while-unavailable-recovered");

        // The one error the browser may report is the page's own 503, which is the point of the test.
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(entry -> !entry.getMessage().contains("status of 503"))
                .toList();
        assertTrue(errors.isEmpty(), "console errors or CSP violations: " + errors);
    }

    private void awaitCount(WebElement count, long expected) {
        await("the page to show " + expected).atMost(FOLLOW).pollInterval(Duration.ofMillis(100))
                .until(() -> count.getText().equals(Long.toString(expected)));
    }

    private void screenshot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
