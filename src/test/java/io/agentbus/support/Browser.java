package io.agentbus.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium driven by Selenium through Debian's chromedriver (both given by path, so
 * Selenium Manager never downloads a browser or a driver). A failed wait saves a screenshot and
 * the page's console under {@code target/screenshots/} before it throws.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String DRIVER = "/usr/bin/chromedriver";
  private static final Path SHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;
  private final String name;
  private int shots;

  public static boolean available() {
    return new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
  }

  /** Fails in CI when chromium is missing (.ci/run installs it); elsewhere the test is skipped. */
  public static void require() {
    if (!available()) {
      org.junit.jupiter.api.Assumptions.assumeFalse(System.getenv("CI") == null,
          "chromium or chromedriver not installed: " + CHROMIUM + ", " + DRIVER);
      throw new AssertionError("chromium and chromium-driver are required in CI");
    }
  }

  public Browser(String name) throws Exception {
    this(name, 1280, 900);
  }

  public Browser(String name, int width, int height) throws Exception {
    this.name = name;
    profile = Files.createTempDirectory("agentbus-chromium");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    // As root no sandbox; no background traffic; a fixed window so layouts are what a user sees.
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
    if (width < 500) {
      // A phone: headless chromium's window is never narrower than 500 px, so the viewport is emulated.
      o.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
          java.util.Map.of("width", width, "height", height, "pixelRatio", 2.0, "touch", true)));
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** The value of a JavaScript expression in the page. */
  public Object eval(String expression) {
    return ((JavascriptExecutor) driver).executeScript("return (" + expression + ");");
  }

  /** Runs statements (with {@code arguments[0..]}). */
  public Object run(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs an async script: it calls {@code done(value)} (the last argument) when finished. */
  public Object async(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];" + script, args);
  }

  /** Waits until {@code condition} is truthy; on timeout saves a screenshot and fails with {@code diagnostic}'s value. */
  public void waitFor(String condition, String diagnostic, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < end) {
      Object v;
      try {
        v = eval("!!(" + condition + ")");
      } catch (org.openqa.selenium.JavascriptException e) {
        v = false;
      }
      if (Boolean.TRUE.equals(v)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    Object diag;
    try {
      diag = eval(diagnostic);
    } catch (RuntimeException e) {
      diag = e.toString();
    }
    Path shot = screenshot("timeout");
    throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + condition + "\n  page: " + diag
        + "\n  screenshot: " + shot + "\n  console: " + console());
  }

  /** Saves a screenshot (and the page's HTML beside it) under target/screenshots; answers its path. */
  public Path screenshot(String label) {
    try {
      Files.createDirectories(SHOTS);
      Path png = SHOTS.resolve(name + "-" + (++shots) + "-" + label.replaceAll("[^A-Za-z0-9_-]", "_") + ".png");
      Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
      Files.writeString(Path.of(png.toString().replace(".png", ".html")), driver.getPageSource());
      return png;
    } catch (Exception e) {
      return Path.of("(no screenshot: " + e + ")");
    }
  }

  /** The page's console messages so far (errors included). */
  public List<String> console() {
    List<String> out = new ArrayList<>();
    try {
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
        out.add(e.getLevel() + " " + e.getMessage());
      }
    } catch (RuntimeException e) {
      out.add("(console unavailable: " + e + ")");
    }
    return out;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (Exception ignored) {
        // a temp profile left behind is harmless
      }
    }
  }
}
