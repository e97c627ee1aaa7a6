// End-to-end test of the admin reports web UI in headless Chromium (Debian `chromium`, driven by
// npm playwright-core), run by tests/integration/reports_ui_test.cpp against a real gateway and
// the oidc-provider peer: sign in through the OIDC flow, open the overview, filter and page the
// request table, open a request, export Markdown, delete its captured content, log out.
// Any console error, page error, JavaScript dialog or CSP violation fails the run.
//
// Env: GATEWAY (http://127.0.0.1:PORT), ARTIFACTS (directory for screenshots and the export),
//      USER (alice; password <user>-pw), CAPTURED_ID (a request whose content was captured),
//      HOSTILE_ID and HOSTILE_MODEL (markup sent as a request id and a model name),
//      EXPECT_REQUESTS (data-plane requests the table must show), EXPECT_ERRORS (of them errors).
// Prints one JSON line of what it saw; exit 0 when every check passed, 1 with the reason on stderr.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const GATEWAY = process.env.GATEWAY;
const ARTIFACTS = process.env.ARTIFACTS;
const USER = process.env.USER_NAME || "alice";
const CAPTURED_ID = process.env.CAPTURED_ID;
const HOSTILE_ID = process.env.HOSTILE_ID;
const HOSTILE_MODEL = process.env.HOSTILE_MODEL;
const EXPECT_REQUESTS = Number(process.env.EXPECT_REQUESTS);
const EXPECT_ERRORS = Number(process.env.EXPECT_ERRORS);
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const problems = [];
const seen = {};

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  seen.screenshots = [...(seen.screenshots || []), file];
}

async function loaded(page) {
  await page.waitForSelector("body[data-loaded='true']", { timeout: 15000 });
}

// Chromium asks every origin for /favicon.ico on pages that name no icon: the OP's JSON
// interaction page and the gateway's /admin/auth/me. Their 404 is the browser's probe, not the
// UI's doing (the reports pages name their icon); every other console error counts.
function browserFaviconProbe(message) {
  const url = message.location().url || "";
  return message.text().includes("status of 404") && new URL(url, GATEWAY).pathname === "/favicon.ico";
}

function watch(page) {
  page.on("console", (message) => {
    if (message.type() !== "error" || browserFaviconProbe(message)) return;
    problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on("dialog", async (dialog) => {
    problems.push(`unexpected dialog on ${page.url()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
}

// The gateway's login redirects to the OP, whose interaction endpoint answers JSON; the browser
// then posts the OP's login form (as its HTML form would) and follows the redirects back to the
// gateway's callback, which sets the session cookie and lands on /admin/auth/me.
async function signIn(page) {
  await page.goto(`${GATEWAY}/admin/auth/login`);
  await page.waitForURL(/\/interaction\//, { timeout: 15000 });
  // Chromium's JSON viewer adds its own controls: read the JSON itself, with the page's cookies.
  const interaction = await (await page.request.get(page.url())).json();
  check(interaction.prompt === "login", `the OP asks for a login, not ${interaction.prompt}`);
  await Promise.all([
    page.waitForURL(`${GATEWAY}/admin/auth/me`, { timeout: 15000 }),
    page.evaluate(({ user }) => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = `${location.pathname}/login`;
      for (const [name, value] of [["login", user], ["password", `${user}-pw`]]) {
        const input = document.createElement("input");
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    }, { user: USER }),
  ]);
  const me = await (await page.request.get(`${GATEWAY}/admin/auth/me`)).json();
  check(me.subject === `user:${USER}@example.test`, `signed in as ${me.subject}`);
  seen.subject = me.subject;
}

async function overview(page) {
  const response = await page.goto(`${GATEWAY}/admin/reports?window=1h`);
  check(response.status() === 200, `overview status ${response.status()}`);
  const headers = response.headers();
  check(headers["content-security-policy"] === CSP, `overview CSP ${headers["content-security-policy"]}`);
  check(headers["x-content-type-options"] === "nosniff", "overview nosniff");
  check(headers["content-type"] === "text/html; charset=utf-8", `overview type ${headers["content-type"]}`);
  await loaded(page);
  const cards = await page.locator(".card").allInnerTexts();
  seen.cards = cards.map((text) => text.replace(/\s+/g, " ").trim());
  check(seen.cards.includes(`Requests ${EXPECT_REQUESTS}`), `requests card in ${seen.cards}`);
  const errorRate = (100 * EXPECT_ERRORS / EXPECT_REQUESTS).toFixed(1);
  check(seen.cards.includes(`Error rate ${errorRate} %`), `error-rate card ${errorRate} in ${seen.cards}`);
  check(await page.locator("#chart-requests rect.bar").count() > 0, "request bars drawn");
  check(await page.locator("#chart-latency polyline.series").count() === 1, "latency line drawn");
  const models = await page.locator("#chart-model text").allTextContents();
  check(models.includes("m1"), `model chart labels ${models}`);
  check(await page.locator("#chart-model b, #cards b").count() === 0, "model names stay text");
  const exportHref = await page.locator("#export").getAttribute("href");
  check(exportHref === "/admin/reports/api/export.md?window=1h", `overview export ${exportHref}`);
  await shot(page, "01-overview");
}

async function submitFilters(page, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`#filters [name='${name}']`);
    if (await field.evaluate((node) => node.tagName) === "SELECT") await field.selectOption(value);
    else await field.fill(value);
  }
  await Promise.all([page.waitForURL(/\/admin\/reports\/requests\?/), page.click("#apply")]);
  await loaded(page);
}

async function requestTable(page) {
  await Promise.all([page.waitForURL(/\/admin\/reports\/requests/), page.click("a[data-nav='requests']")]);
  await loaded(page);
  await submitFilters(page, { window: "1h", status: "error" });
  const statuses = await page.locator("#rows td:nth-child(7)").allTextContents();
  check(statuses.length === EXPECT_ERRORS, `${statuses.length} error rows, want ${EXPECT_ERRORS}`);
  check(statuses.every((status) => /^[45]\d\d/.test(status)), `error statuses ${statuses}`);
  // Markup in a model name and a request id is shown as text: no element, no script ran.
  const hostileModel = page.locator("#rows td:nth-child(4)", { hasText: HOSTILE_MODEL });
  check(await hostileModel.count() === 1, "the hostile model name is listed as text");
  check(await page.locator("#rows img, #rows b").count() === 0, "no markup from the log is parsed");
  check(await page.locator("#rows a.request-link", { hasText: HOSTILE_ID }).count() === 1,
    "the hostile request id is listed as text");
  await shot(page, "02-requests-errors");

  await submitFilters(page, { status: "", model: "m1", limit: "25" });
  const firstPage = await page.locator("#rows tr").count();
  const models = await page.locator("#rows td:nth-child(4)").allTextContents();
  check(models.every((model) => model === "m1"), `model filter rows ${models}`);
  check(firstPage === 25, `first page has ${firstPage} rows`);
  check(await page.locator("#next").isVisible(), "an older page is offered");
  seen.table_first_page = firstPage;
  await shot(page, "03-requests-m1");
  await Promise.all([page.waitForURL(/cursor=/), page.click("#next")]);
  await loaded(page);
  const secondPage = await page.locator("#rows tr").count();
  seen.table_second_page = secondPage;
  check(firstPage + secondPage === EXPECT_REQUESTS - EXPECT_ERRORS,
    `pages hold ${firstPage}+${secondPage} m1 rows, want ${EXPECT_REQUESTS - EXPECT_ERRORS}`);
  await shot(page, "04-requests-older");
  await Promise.all([page.waitForURL((url) => !url.search.includes("cursor")), page.click("#first")]);
  await loaded(page);
}

async function exportMarkdown(page) {
  const href = await page.locator("#export").getAttribute("href");
  const query = new URLSearchParams(href.slice(href.indexOf("?") + 1));
  check(href.startsWith("/admin/reports/api/export.md?") && query.get("model") === "m1" &&
    query.get("window") === "1h" && query.get("limit") === "25", `export link ${href}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const file = path.join(ARTIFACTS, "export.md");
  await download.saveAs(file);
  const markdown = fs.readFileSync(file, "utf8");
  check(download.suggestedFilename() === "smg-requests.md", `export name ${download.suggestedFilename()}`);
  // The export escapes Markdown punctuation (e2e\-captured\-request).
  check(markdown.replaceAll("\\", "").includes(CAPTURED_ID), "the export lists the captured request");
  check(markdown.includes("model") && markdown.includes("m1"), "the export names its filter");
  check(!markdown.includes(HOSTILE_MODEL), "the export keeps the model filter");
  seen.export_bytes = markdown.length;
}

async function requestDetail(page) {
  const link = page.locator("#rows a.request-link", { hasText: CAPTURED_ID });
  check(await link.count() === 1, "the captured request is on the first page");
  await Promise.all([page.waitForURL(/\/admin\/reports\/request\?id=/), link.click()]);
  await loaded(page);
  check(await page.locator("[data-field='request_id']").textContent() === CAPTURED_ID, "detail id");
  check(await page.locator("[data-field='status']").textContent() === "200", "detail status");
  check(await page.locator("#chart-timing rect.bar").count() === 2, "timing bars drawn");
  const requestBody = await page.locator("#request-body").textContent();
  check(requestBody.includes("e2e captured prompt"), `captured request body ${requestBody.slice(0, 80)}`);
  check(await page.locator("#response-body").textContent() !== "", "captured response body shown");
  check(await page.locator("#delete-content").isVisible(), "the delete button is offered");
  await shot(page, "05-request-detail");
}

async function deleteContent(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/api/content-captures/") && r.request().method() === "DELETE"),
    page.click("#delete-content"),
  ]);
  check(response.status() === 200, `delete answered ${response.status()}`);
  check(Boolean(response.request().headers()["x-csrf-token"]), "the delete carried the CSRF token");
  await page.waitForSelector("#notice.info");
  await page.waitForSelector("#content-bodies.hidden", { state: "attached" });
  check((await page.locator("#content-state").textContent()).startsWith("No content"), "content gone");
  const evidence = await page.request.get(
    `${GATEWAY}/admin/reports/api/request-evidence?request_id=${encodeURIComponent(CAPTURED_ID)}`);
  check(evidence.status() === 200 && (await evidence.json()).content === null, "the API shows no content");
  // Without the CSRF token the same call is refused, even with the session cookie.
  const forged = await page.request.delete(
    `${GATEWAY}/admin/reports/api/content-captures/${encodeURIComponent(CAPTURED_ID)}`);
  check(forged.status() === 403, `a DELETE without the CSRF token answered ${forged.status()}`);
  await shot(page, "06-content-deleted");
}

async function logOut(page) {
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/admin/auth/logout") && r.status() === 200),
    page.click("#logout"),
  ]);
  const session = await page.request.get(`${GATEWAY}/admin/reports/api/session`);
  check(session.status() === 401, `after logout the session API answered ${session.status()}`);
  const asset = await page.request.get(`${GATEWAY}/admin/reports/assets/common.js`);
  check(asset.status() === 401, `after logout an asset answered ${asset.status()}`);
  await page.waitForSelector("#signed-out");
  check(await page.locator("#rows, #cards, #fields").count() === 0, "no report data stays on screen");
  check(await page.locator("#signed-out a").getAttribute("href") === "/admin/auth/login", "sign-in link");
  await shot(page, "07-signed-out");
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  let failure = null;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // Reported by the page itself, so a violation the browser only reports (never logs) fails too.
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    watch(page);
    for (const step of [signIn, overview, requestTable, exportMarkdown, requestDetail, deleteContent, logOut]) {
      seen.step = step.name;
      await step(page);
    }
  } catch (error) {
    failure = error;
  } finally {
    await browser.close();
  }
  seen.problems = problems;
  console.log(JSON.stringify(seen));
  if (failure || problems.length) {
    console.error(failure ? failure.stack || String(failure) : problems.join("\n"));
    process.exit(1);
  }
}

await main();
