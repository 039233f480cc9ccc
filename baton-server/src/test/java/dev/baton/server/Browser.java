package dev.baton.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its chromedriver ({@code scripts/test-tools} installs both), with a fresh
 * profile in a temporary directory; flags that keep it off the network and working as root. No browser or
 * driver is downloaded. Close it to quit the browser and delete the profile.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;

    Browser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": run scripts/test-tools (or apt-get install chromium chromium-driver)");
        }
        profile = Files.createTempDirectory("baton-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1440,1800",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Waits until the element is there and shown (the page redraws every second), then returns it. */
    WebElement shown(By by) {
        return until(() -> {
            WebElement e = driver.findElement(by);
            return e.isDisplayed() ? e : null;
        });
    }

    /** Clicks the element once it is shown, again if a redraw replaced it meanwhile. */
    void click(By by) {
        until(() -> {
            shown(by).click();
            return true;
        });
    }

    String text(By by) {
        return until(() -> driver.findElement(by).getText());
    }

    boolean present(By by) {
        return !driver.findElements(by).isEmpty() && driver.findElement(by).isDisplayed();
    }

    <T> T until(Supplier<T> value) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(value::get, v -> v != null);
    }

    /** A PNG of the page as it is now, from its top. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        driver.executeScript("window.scrollTo(0, 0)");
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var all = Files.walk(profile)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
