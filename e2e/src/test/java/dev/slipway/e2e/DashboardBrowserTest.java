package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.devstack.Service;
import dev.slipway.devstack.demo.DemoTarget;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in Debian's Chromium, headless: sign in, watch a release from the CLI advance
 * without a reload, approve it as a second identity, see a bad release rolled back with the failing
 * check named, roll back through the typed confirmation, and refusals explained. Screenshots go to
 * target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final Duration RELEASE = Duration.ofSeconds(90);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static E2eEnvironment env;
  private static RestClient rest;
  private static String base;
  private static String suffix;
  private static Path deployer;
  private static Path approver;
  private static Path reader;
  private static Path selfApprover;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
    rest = RestClient.of(env);
    base = "http://127.0.0.1:" + env.stack.httpPort(Service.ORCHESTRATOR) + "/";
    suffix = UUID.randomUUID().toString().substring(0, 6);
    deployer = env.token("dash-ci-" + suffix, "deploy:e2e", "read");
    approver =
        env.token("dash-approver-" + suffix, "approve:e2e", "rollback:e2e", "deploy:e2e", "read");
    reader = env.token("dash-reader-" + suffix, "read");
    selfApprover = env.token("dash-self-" + suffix, "approve:e2e", "deploy:e2e", "read");
    Files.createDirectories(SCREENSHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getenv().getOrDefault("SLIPWAY_CHROMIUM", "/usr/bin/chromium"));
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(
                new File(
                    System.getenv().getOrDefault("SLIPWAY_CHROMEDRIVER", "/usr/bin/chromedriver")))
            .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterEach
  void signOut() {
    List<String> broken =
        browser.manage().logs().get("browser").getAll().stream()
            .map(org.openqa.selenium.logging.LogEntry::getMessage)
            .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
            .toList();
    assertThat(broken).as("script errors or CSP violations in the browser").isEmpty();
    browser.manage().deleteAllCookies();
    browser.manage().window().setSize(new Dimension(1280, 900));
  }

  @Test
  @Order(1)
  void aReleaseFromTheCliAdvancesLiveAndIsApprovedInTheBrowser() throws Exception {
    String app = "dash-gated-" + suffix;
    apply(app, "\"approval\": {\"required\": 1}");
    signIn(approver, "dash-approver-" + suffix);
    awaitText(By.cssSelector("main h1"), "Overview");

    String id = deployFromCli(deployer, app, "1.0.0");
    browser.get(base + "#/deployments/" + id);
    markPage();
    awaitChip("awaiting approval");
    assertThat(text(By.id("main"))).contains("Approvals 0 of 1", "requested by dash-ci-" + suffix);
    screenshot("deployment-awaiting-approval");

    browser.findElement(By.id("comment")).sendKeys("ship it");
    button("Approve").click();
    Set<String> seen = new LinkedHashSet<>();
    new WebDriverWait(browser, RELEASE)
        .pollingEvery(Duration.ofMillis(50))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            b -> {
              String chip = headingChip();
              seen.add(chip);
              return chip.equals("succeeded");
            });
    assertThat(pageWasNotReloaded()).as("updated live, without a reload").isTrue();
    assertThat(seen)
        .as("phases seen on the page, in order")
        .containsSubsequence("awaiting approval", "verify", "succeeded");
    assertThat(text(By.id("main")))
        .contains("Approvals 1 of 1", "dash-approver-" + suffix, "ship it");
    assertThat(
            browser.findElements(By.cssSelector(".timeline tbody tr")).stream()
                .map(r -> r.getAttribute("data-phase"))
                .toList())
        .contains("DEPLOY", "VERIFY");
    screenshot("deployment-succeeded");

    browser.get(base + "#/");
    awaitText(By.cssSelector("[data-target='" + app + "/e2e']"), "1.0.0");
    assertThat(text(By.cssSelector("[data-target='" + app + "/e2e']")))
        .contains("succeeded", "by dash-ci-" + suffix);
    screenshot("overview");
  }

  @Test
  @Order(2)
  void refusedActionsAreExplainedOnThePage() throws Exception {
    String app = "dash-refused-" + suffix;
    apply(app, "\"approval\": {\"required\": 1}");
    String own = deployFromCli(selfApprover, app, "1.0.0");
    signIn(selfApprover, "dash-self-" + suffix);
    browser.get(base + "#/deployments/" + own);
    awaitChip("awaiting approval");
    assertThat(button("Approve").getAttribute("aria-disabled"))
        .as("not for your own deployment")
        .isEqualTo("true");
    assertThat(text(By.id("why-Approve"))).contains("you requested it");
    button("Approve").click();
    awaitText(
        By.cssSelector("[role=alert]"),
        "Approve is not possible now: you requested it; another identity must approve");
    assertThat(Cli.run(env.server(), "cancel", own).exit()).isZero();

    String other = deployFromCli(deployer, app, "1.0.1");
    signIn(reader, "dash-reader-" + suffix);
    browser.get(base + "#/deployments/" + other);
    awaitChip("awaiting approval");
    button("Approve").click();
    awaitText(By.cssSelector("[role=alert]"), "Approve refused");
    assertThat(text(By.cssSelector("[role=alert]")))
        .contains("dash-reader-" + suffix, "lacks the scope approve:e2e");
    screenshot("refused-no-scope");
    assertThat(headingChip()).isEqualTo("awaiting approval");
    assertThat(Cli.run(env.server(), "cancel", other).exit()).isZero();
  }

  @Test
  @Order(3)
  void aBadReleaseShowsItsFailingCheckAndLossAndIsRolledBackAgainThroughTheConfirmation()
      throws Exception {
    String app = "dash-bad-" + suffix;
    String database = env.infrastructure.createDatabase("dashbad");
    env.sql(
        database,
        "create table entries (id serial primary key, body text not null)",
        "insert into entries (body) select 'entry ' || n from generate_series(1, 3) n");
    Path dir = Files.createTempDirectory("dash-bad");
    Path go = Files.createFile(dir.resolve("go"));
    Path served = dir.resolve("served");
    env.apply(
        dir,
        app,
        """
        app: %1$s
        environment: e2e
        deploy:
          command: [/bin/sh, -c, 'while [ ! -e %2$s ]; do sleep 0.05; done; printf %%s "$1" > %3$s', sh, "${version}"]
        backup:
          items: [{ type: postgres, url: "%4$s", passwordSecret: %5$s }]
          restoreOnRollback: true
        health:
          interval: 200ms
          failureThreshold: 2
          checks: [{ type: command, name: version-is-good, command: [/bin/sh, -c, '! grep -q bad %3$s'] }]
        """
            .formatted(app, go, served, env.backupUrl(database), DemoTarget.DB_SECRET));
    deployFromCli(deployer, app, "1.0.0", "--wait");
    deployFromCli(deployer, app, "1.1.0", "--wait");
    signIn(approver, "dash-approver-" + suffix);

    // The bad version's deploy waits until the test has written rows, as the new version would.
    Files.delete(go);
    String bad = deployFromCli(deployer, app, "2.0.0-bad");
    browser.get(base + "#/deployments/" + bad);
    markPage();
    awaitChip("deploy");
    env.sql(
        database, "insert into entries (body) select 'lost ' || n from generate_series(1, 37) n");
    Files.createFile(go);
    awaitChip("rolled back");
    assertThat(pageWasNotReloaded()).isTrue();
    assertThat(text(By.id("reason"))).contains("check 'version-is-good' failed");
    assertThat(text(By.id("loss")))
        .contains(
            "What the restore discards",
            "in public.entries 37 rows written since",
            "(exact counts: 40 now, 3 in the backup)");
    assertThat(
            browser.findElements(By.cssSelector(".timeline tbody tr")).stream()
                .map(r -> r.getAttribute("data-phase"))
                .toList())
        .containsSubsequence("BACKUP", "DEPLOY", "VERIFY", "SNAPSHOT", "RESTORE", "REVERT");
    screenshot("deployment-rolled-back");

    browser.findElement(By.id("confirm")).sendKeys("not-the-app");
    button("Rollback").click();
    awaitText(By.cssSelector("[role=alert]"), "type the application name");
    browser.findElement(By.id("confirm")).clear();
    browser.findElement(By.id("confirm")).sendKeys(app);
    button("Rollback").click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .withMessage(() -> "the rollback's page was not shown: " + page())
        .until(b -> !b.getCurrentUrl().endsWith(bad));
    String rollback = browser.getCurrentUrl().replaceFirst(".*#/deployments/", "");
    assertThat(
            read("/api/v1/targets/{app}/{environment}", app, "e2e")
                .path("lastDeploymentId")
                .asText())
        .isEqualTo(rollback);
    awaitChip("succeeded");
    assertThat(text(By.id("status")))
        .isIn("Rollback started as deployment " + rollback, "Now succeeded");
    assertThat(text(By.cssSelector("main h1"))).isEqualTo(app + " → e2e 1.0.0");
    assertThat(text(By.id("main")))
        .contains("rollback from 1.1.0", "requested by dash-approver-" + suffix);
    awaitText(By.cssSelector(".set"), "SHA-256");
    assertThat(text(By.cssSelector(".set")))
        .as("the rollback's backup set, each artifact with its checksum")
        .containsPattern("postgres \\S+/dashbad\\S* [\\d,]+ bytes [0-9a-f]{64}");
    screenshot("deployment-rolled-back-by-hand");
    assertThat(
            read("/api/v1/targets/{app}/{environment}", app, "e2e").path("currentVersion").asText())
        .isEqualTo("1.0.0");
    assertThat(Files.readString(served).strip()).isEqualTo("1.0.0");

    browser.get(base + "#/targets/" + app + "/e2e");
    awaitText(By.cssSelector("main h1"), app + " in e2e");
    assertThat(text(By.id("spec")))
        .as("the spec names its secret and holds no password")
        .contains("\"passwordSecret\": \"" + DemoTarget.DB_SECRET + "\"")
        .doesNotContain(env.journalDbSecret);
    assertThat(
            browser.findElements(By.cssSelector(".ledger tbody tr td:first-child")).stream()
                .map(WebElement::getText)
                .toList())
        .as("the ledger, newest first")
        .containsExactly("1.0.0", "1.1.0", "2.0.0-bad", "1.1.0", "1.0.0");
  }

  @Test
  @Order(4)
  void theOverviewAt390PixelsStacksEachApplicationAsACard() throws Exception {
    signIn(reader, "dash-reader-" + suffix);
    browser.manage().window().setSize(new Dimension(390, 844));
    browser.get(base + "#/");
    awaitText(By.cssSelector("main h1"), "Overview");
    WebElement cell = browser.findElement(By.cssSelector(".matrix td[data-target]"));
    assertThat(cell.getCssValue("display")).isEqualTo("block");
    assertThat(overflow()).as("no horizontal scrolling at 390 px").isLessThanOrEqualTo(0L);
    screenshot("overview-390px");

    browser.findElement(By.cssSelector(".matrix td[data-target^='dash-bad-'] a")).click();
    awaitText(By.cssSelector("main h1"), " in e2e");
    browser.get(base + "#/history?app=dash-bad-" + suffix);
    awaitText(By.cssSelector(".history tbody"), "2.0.0-bad");
    browser.findElement(By.linkText("dash-bad-" + suffix + " → e2e 2.0.0-bad")).click();
    awaitChip("rolled back");
    assertThat(overflow()).as("a deployment page at 390 px: %s", wide()).isLessThanOrEqualTo(0L);
    screenshot("deployment-390px");
  }

  /** The elements wider than the window, for a failure's message. */
  private static Object wide() {
    return ((JavascriptExecutor) browser)
        .executeScript(
            """
            const w = document.documentElement.clientWidth;
            return [...document.querySelectorAll('main *')]
              .filter(e => e.getBoundingClientRect().right > w && !e.closest('.scroll'))
              .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40));""");
  }

  private static long overflow() {
    return (Long)
        ((JavascriptExecutor) browser)
            .executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
  }

  @Test
  @Order(5)
  void theOverviewStaysSmallWithTenThousandDeploymentsInHistory() throws Exception {
    String app = "dash-history-" + suffix;
    apply(app, "\"approval\": {\"required\": 0}");
    String first = deployFromCli(deployer, app, "1.0.0");
    org.awaitility.Awaitility.await()
        .atMost(RELEASE)
        .until(() -> env.status(first).hasFinishedAt());
    try (java.sql.Connection c = env.slipway();
        java.sql.PreparedStatement copy =
            c.prepareStatement(
                """
                insert into orchestrator.deployments
                select (jsonb_populate_record(null::orchestrator.deployments, to_jsonb(d)
                  || jsonb_build_object('id', gen_random_uuid(),
                       'idempotency_key', gen_random_uuid()::text,
                       'created_at', d.created_at - make_interval(secs => n),
                       'updated_at', d.created_at - make_interval(secs => n)))).*
                from orchestrator.deployments d, generate_series(1, 10000) n where d.id = ?""")) {
      copy.setObject(1, UUID.fromString(first));
      assertThat(copy.executeUpdate()).isEqualTo(10_000);
    }
    signIn(reader, "dash-reader-" + suffix);
    browser.get(base + "#/");
    awaitText(By.cssSelector("[data-target='" + app + "/e2e']"), "1.0.0");
    Long bytes =
        (Long)
            ((JavascriptExecutor) browser)
                .executeScript(
                    """
                    const all = [...performance.getEntriesByType('navigation'),
                                 ...performance.getEntriesByType('resource')];
                    return all.reduce((sum, e) => sum + e.transferSize, 0);""");
    System.out.printf("overview with 10,000 more deployments in history: %,d bytes%n", bytes);
    screenshot("overview-10000-deployments");
    try (java.sql.Connection c = env.slipway();
        java.sql.PreparedStatement drop =
            c.prepareStatement("delete from orchestrator.deployments where app = ? and id <> ?")) {
      drop.setString(1, app);
      drop.setObject(2, UUID.fromString(first));
      assertThat(drop.executeUpdate()).isEqualTo(10_000);
    }
    assertThat(bytes).as("the overview's page weight").isLessThan(1_000_000L);
  }

  @Test
  @Order(6)
  void aRollingReleaseShowsItsWavesOnTheTimeline() throws Exception {
    String app = "dash-rolling-" + suffix;
    RestClient.Response applied =
        rest.call("PUT", "/api/v1/targets/{app}/{environment}", app, "e2e")
            .as(RestClient.secret(env.stack.adminTokenFile()))
            .json(
                """
                {"deploy": {"command": ["sh", "-c", "echo deploying $0 to $1", "${version}", "${instance}"]},
                 "strategy": {"rolling": {"instances": ["web-a", "web-b"]}}}
                """)
            .send();
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    String id = deployFromCli(deployer, app, "1.0.0");
    org.awaitility.Awaitility.await().atMost(RELEASE).until(() -> env.status(id).hasFinishedAt());
    signIn(reader, "dash-reader-" + suffix);
    browser.get(base + "#/deployments/" + id);
    awaitChip("succeeded");
    assertThat(text(By.id("rolling")))
        .isEqualTo("Rolling: wave 2 of 2 (web-b); instances web-a, web-b");
    List<WebElement> rows = browser.findElements(By.cssSelector(".timeline tbody tr"));
    assertThat(rows.stream().map(r -> r.findElement(By.tagName("td")).getText()).toList())
        .containsExactly("deploy wave 1: web-a", "deploy wave 2: web-b");
    String download = rows.get(1).findElement(By.cssSelector("a[download]")).getAttribute("href");
    assertThat(download).endsWith("/phases/PHASE_DEPLOY/attempts/1/log.txt?step=2");
    RestClient.Response log =
        rest.call("GET", "/api/v1/deployments/{id}/phases/PHASE_DEPLOY/attempts/1/log.txt", id)
            .query("step", 2)
            .as(RestClient.secret(reader))
            .send();
    assertThat(log.status()).isEqualTo(200);
    assertThat(log.body()).isEqualTo("== instance web-b ==\ndeploying 1.0.0 to web-b\n");
    screenshot("deployment-rolling");
  }

  private static void apply(String app, String more) throws Exception {
    RestClient.Response applied =
        rest.call("PUT", "/api/v1/targets/{app}/{environment}", app, "e2e")
            .as(RestClient.secret(env.stack.adminTokenFile()))
            .json(
                """
                {"deploy": {"command": ["sh", "-c", "echo deploying ${version}"]},
                 "health": {"checks": [{"type": "tcp", "name": "port", "address": "127.0.0.1:%d"}],
                            "interval": "500ms", "successThreshold": 3}, %s}
                """
                    .formatted(env.stack.httpPort(Service.ORCHESTRATOR), more))
            .send();
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
  }

  /** A GET of the REST API as the read-only identity. */
  private static JsonNode read(String path, Object... args) throws Exception {
    return rest.call("GET", path, args).as(RestClient.secret(reader)).send().json();
  }

  private static String deployFromCli(Path token, String app, String version, String... more)
      throws Exception {
    List<String> line =
        new java.util.ArrayList<>(
            List.of("deploy", "--app", app, "--env", "e2e", "--version", version, "-o", "json"));
    line.addAll(List.of(more));
    Cli.Run run = Cli.as(token, env.server(), line.toArray(String[]::new));
    assertThat(run.exit()).as(run.all()).isZero();
    return E2eEnvironment.deployment(run.out()).getId();
  }

  private static void signIn(Path token, String name) throws Exception {
    browser.manage().deleteAllCookies();
    browser.get(base);
    WebElement field =
        new WebDriverWait(browser, Duration.ofSeconds(10))
            .until(b -> b.findElement(By.id("token")));
    assertThat(browser.findElement(By.cssSelector("label[for=token]")).getText()).contains("Token");
    field.sendKeys(RestClient.secret(token));
    field.submit();
    awaitText(By.id("who"), "Signed in as " + name);
  }

  private static void markPage() {
    ((JavascriptExecutor) browser).executeScript("window.slipwayTestMark = 'still here';");
  }

  private static boolean pageWasNotReloaded() {
    return "still here"
        .equals(((JavascriptExecutor) browser).executeScript("return window.slipwayTestMark;"));
  }

  private static String headingChip() {
    List<WebElement> chips = browser.findElements(By.cssSelector("main > .chip"));
    return chips.isEmpty() ? "" : chips.getFirst().getText();
  }

  private static void awaitChip(String chip) {
    new WebDriverWait(browser, RELEASE)
        .pollingEvery(Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .withMessage(() -> "the deployment's status chip never read '" + chip + "': " + page())
        .until(b -> headingChip().equals(chip));
  }

  private static void awaitText(By where, String text) {
    new WebDriverWait(browser, RELEASE)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .withMessage(() -> "never showed '" + text + "': " + page())
        .until(b -> b.findElement(where).getText().contains(text));
  }

  /** What the page shows, and what the browser logged, for a failure's message. */
  private static String page() {
    return browser.getCurrentUrl()
        + "\n"
        + text(By.tagName("body"))
        + "\n"
        + browser.manage().logs().get("browser").getAll();
  }

  private static String text(By where) {
    return browser.findElement(where).getText();
  }

  private static WebElement button(String label) {
    return browser.findElement(By.xpath("//button[normalize-space()='" + label + "']"));
  }

  private static void screenshot(String name) throws Exception {
    Files.write(
        SCREENSHOTS.resolve(name + ".png"),
        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
