// The web console (issue 16) in a real headless browser: Debian's `chromium`, driven over
// the DevTools protocol by puppeteer-core. It starts `bashgah serve` on the shipped clubs
// with their example members imported, walks the flows a club's people walk (sign in,
// overview, search, statement, adjust, try a purchase against a draft, sign out), checks
// what a key may not do (a viewer's adjustment, another club's member, a write without
// the CSRF token), and checks every page in English and Persian: a screenshot in
// target/console-screenshots/ that is not blank, right to left in Persian, no serious
// accessibility problem (axe-core), every control reachable with Tab, no script error.
//
// Run it with tests/console/run. A page that is not built yet fails with its path and
// status, so the list of failures says what is missing. Adding a page to the checks is one
// line in PAGES.

import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, "target");
const BIN = process.env.BASHGAH_BIN || path.join(targetDir, "debug", "bashgah");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = path.join(root, "target", "console-screenshots");
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// Only these tests, when given: `tests/console/run statement viewer`.
const ONLY = process.argv.slice(2);

// The keys of the test's keys file (only their hashes are written to it).
const KEYS = {
  admin: "console-test-admin",
  operator: "console-test-cafe-operator",
  viewer: "console-test-cafe-viewer",
  retailer: "console-test-retailer-operator",
};
const CLUB = "cafe";
const CLUB_NAME = "Café Naderi";
// The draft a consultant tries beside the live café: twice the stars (1 per 5,000 IRR).
const DRAFT = "cafe-generous";

// Every page, checked in both languages with the café's operator key (who sees every
// form). `signedIn: false` is for pages before signing in. One line a page.
const PAGES = [
  { name: "sign-in", path: "/sign-in", signedIn: false },
  { name: "clubs", path: "/" },
  { name: "not-found", path: "/clubs/no-such-club", status: 404 },
  { name: "overview", path: `/clubs/${CLUB}` },
  { name: "members", path: `/clubs/${CLUB}/members?q=M00` },
  { name: "member", path: `/clubs/${CLUB}/members/M001` },
  { name: "try", path: `/clubs/${CLUB}/try` },
  { name: "policy", path: `/clubs/${CLUB}/policy` },
  { name: "what-if", path: `/clubs/${CLUB}/what-if` },
];
const LANGS = ["en", "fa"];

// ---------------------------------------------------------------------------------------
// A tiny test runner: the tests share one server and one browser, run in order, and every
// failure is listed with its reason; the last line is "console: N passed, N failed".

const tests = [];
function test(name, body) {
  tests.push({ name, body });
}

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------------------------------
// The workspace and the server.

function environment() {
  const env = { ...process.env };
  // As the Rust tests' harness does: the person's locale and bashgah's own settings must
  // not leak into the server (BASHGAH_LISTEN, BASHGAH_KEYS...).
  for (const name of Object.keys(env)) {
    if (["LC_ALL", "LC_MESSAGES", "LANG"].includes(name) || name.startsWith("BASHGAH_")) {
      delete env[name];
    }
  }
  return env;
}

function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}

function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bashgah-console-"));
  for (const folder of ["policies", "examples", "plugins"]) {
    if (fs.existsSync(path.join(root, folder))) {
      fs.cpSync(path.join(root, folder), path.join(dir, folder), { recursive: true });
    }
  }
  // A draft beside the live club (`drafts/` next to `policies/`), for the try page.
  const draft = path.join(dir, "drafts", DRAFT);
  fs.cpSync(path.join(root, "policies", CLUB), draft, { recursive: true });
  const rule = path.join(draft, "earn.rhai");
  const generous = fs
    .readFileSync(rule, "utf8")
    .replace("earning_amount(event, member) / 10000\n}", "earning_amount(event, member) / 5000\n}");
  fs.writeFileSync(rule, generous);
  const keys = [
    `  - {name: admin, sha256: ${sha256(KEYS.admin)}, admin: true}`,
    `  - {name: cafe-operator, sha256: ${sha256(KEYS.operator)}, clubs: [${CLUB}], role: operator}`,
    `  - {name: cafe-viewer, sha256: ${sha256(KEYS.viewer)}, clubs: [${CLUB}], role: viewer}`,
    `  - {name: retailer-operator, sha256: ${sha256(KEYS.retailer)}, clubs: [retailer], role: operator}`,
  ];
  fs.writeFileSync(path.join(dir, "keys.yaml"), `keys:\n${keys.join("\n")}\n`);
  // The shipped example members and purchases, as `bashgah demo` imports them.
  execFileSync(BIN, ["demo"], { cwd: dir, env: environment(), stdio: ["ignore", "ignore", "pipe"] });
  return dir;
}

function startServer(dir) {
  const log = fs.openSync(path.join(dir, "serve.log"), "w");
  const child = spawn(BIN, ["serve", "--listen", "127.0.0.1:0"], {
    cwd: dir,
    env: { ...environment(), RUST_LOG: "info" },
    stdio: ["ignore", "pipe", log],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bashgah serve did not say where it listens within 30 s")), 30000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`bashgah serve stopped (${code}); see ${path.join(dir, "serve.log")}`));
    });
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const address = line.trim().replace(/^listening on /, "");
      if (!address.startsWith("http://")) {
        reject(new Error(`unexpected first line from bashgah serve: ${line}`));
      } else {
        child.removeAllListeners("exit");
        resolve({ child, base: address });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------
// Helpers the tests share.

let base = "";
let browser = null;

/** A member's available points as the API says (with the admin key). */
async function available(member, club = CLUB) {
  const answer = await fetch(`${base}/v1/clubs/${club}/members/${member}`, {
    headers: { Authorization: `Bearer ${KEYS.admin}` },
  });
  equal(answer.status, 200, `GET /v1/clubs/${club}/members/${member}`);
  return (await answer.json()).balances.available;
}

/** A new page in a browser context of its own (its own cookies), recording script errors. */
async function newPage(lang) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  // A missing field or a form that goes nowhere fails in seconds, not puppeteer's 30.
  page.setDefaultTimeout(10000);
  if (lang) {
    await page.setExtraHTTPHeaders({ "Accept-Language": lang });
  }
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const where = message.location()?.url || "";
    // A page meant to answer 404 says so in the console too; that is no script's fault.
    if (page.expectedStatus && where === page.url() && message.text().includes(`status of ${page.expectedStatus}`)) {
      return;
    }
    page.problems.push(`console error: ${message.text()} (${where})`);
  });
  // The console asks before a write (`data-confirm`): the person says yes.
  page.on("dialog", (dialog) => dialog.accept());
  page.closeAll = () => context.close();
  return page;
}

/** Runs `body` on `page`, then closes the page and its browser context. */
async function using(page, body) {
  try {
    await body(page);
  } finally {
    await page.closeAll();
  }
}

/** Opens `path`; the answer's status must be `status`. */
async function open(page, pathname, status = 200) {
  const answer = await page.goto(base + pathname, { waitUntil: "load" });
  equal(answer.status(), status, `status of ${pathname}`);
  return answer;
}

/** Signs in with `key` through the form and lands on `/` (or `next`). */
async function signIn(key, { lang, next } = {}) {
  const page = await newPage(lang);
  await open(page, next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
  await page.type("#key", key);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('main button[type="submit"]')]);
  check(!page.url().includes("/sign-in"), `signing in with ${key} stayed on ${page.url()}`);
  return page;
}

async function text(page, selector = "main") {
  const found = await page.$(selector);
  check(found, `${page.url()} has no ${selector}`);
  return page.$eval(selector, (element) => element.innerText);
}

/** The fields of form `#id` as the browser would send them. */
async function formFields(page, id) {
  const form = await page.$(`form#${id}`);
  check(form, `${page.url()} has no form#${id}`);
  return page.$eval(`form#${id}`, (form) => [...new FormData(form).entries()]);
}

/** A form post sent from inside the page (same origin, the session cookie goes with it). */
async function postFrom(page, pathname, fields) {
  return page.evaluate(
    async (url, pairs) => {
      const answer = await fetch(url, {
        method: "POST",
        body: new URLSearchParams(pairs),
        redirect: "manual",
        credentials: "same-origin",
      });
      return { status: answer.status, text: answer.type === "opaqueredirect" ? "" : await answer.text() };
    },
    pathname,
    fields,
  );
}

/** The session's CSRF token, from the sign-out form every signed-in page carries. */
async function csrf(page) {
  return page.$eval('form[action="/sign-out"] input[name="csrf"]', (input) => input.value);
}

/** Fills the field named `name` of `form` (a select by value, else by typing). */
async function fill(page, form, name, value) {
  const selector = `${form} [name="${name}"]`;
  const field = await page.$(selector);
  check(field, `${page.url()} has no field ${selector}`);
  const tag = await field.evaluate((element) => element.tagName);
  if (tag === "SELECT") {
    await page.select(selector, value);
  } else {
    await field.click({ clickCount: 3 });
    await field.evaluate((element) => (element.value = ""));
    await field.type(value);
  }
}

async function submit(page, form) {
  const button = await page.$(`${form} button[type="submit"], ${form} input[type="submit"], ${form} button:not([type])`);
  check(button, `${page.url()}: ${form} has no submit button`);
  const [answer] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
  return answer;
}

// ---------------------------------------------------------------------------------------
// The flows.

test("sign in: a wrong key is refused, a good one lands on the clubs it may see", async () =>
  using(await newPage("en"), async (page) => {
    await open(page, "/sign-in");
    equal(await page.$eval("label[for=key]", (l) => l.innerText), "API key", "the key's label");
    await page.type("#key", "not-a-key");
    const [refused] = await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
    equal(refused.status(), 401, "a wrong key's answer");
    check((await text(page, "[role=alert]")).includes("not known"), "the refusal says the key is not known");
    await page.type("#key", KEYS.operator);
    await Promise.all([page.waitForNavigation(), page.click('main button[type="submit"]')]);
    equal(new URL(page.url()).pathname, "/", "where signing in leads");
    const clubs = await page.$$eval("main table a", (links) => links.map((a) => [a.getAttribute("href"), a.innerText]));
    equal(JSON.stringify(clubs), JSON.stringify([[`/clubs/${CLUB}`, CLUB_NAME]]), "the clubs listed");
    check((await text(page)).includes("operator"), "the clubs page names the key's role");
    check((await text(page, "header")).includes("cafe-operator"), "the header names the key");
  }),
);

test("a page asked for before signing in comes back after it", async () =>
  using(await signIn(KEYS.operator, { next: `/clubs/${CLUB}/members/M001` }), async (page) => {
    equal(new URL(page.url()).pathname, `/clubs/${CLUB}/members/M001`, "the page after signing in");
  }),
);

test("overview: the live policy version and the members, with charts", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    await Promise.all([page.waitForNavigation(), page.click(`main a[href="/clubs/${CLUB}"]`)]);
    const answer = await page.reload();
    equal(answer.status(), 200, `status of /clubs/${CLUB}`);
    const shown = await text(page);
    // The shipped café's version, as `bashgah check` prints it (README).
    check(shown.includes("3eaa9290d25e"), "the overview shows the live policy version 3eaa9290d25e");
    check(await page.$("main svg"), "the overview draws its charts (an <svg> in main)");
    check(await page.$("main table"), "the overview gives its figures in a table too");
    equal(
      await page.$eval('nav a[aria-current="page"]', (a) => a.getAttribute("href")),
      `/clubs/${CLUB}`,
      "the navigation marks the overview",
    );
  }),
);

test("members: search by id, then the member's statement as the API gives it", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    await open(page, `/clubs/${CLUB}/members`);
    await fill(page, "main form", "q", "M002");
    const answer = await submit(page, "main form");
    equal(answer.status(), 200, "status of the search");
    check(new URL(page.url()).searchParams.get("q") === "M002", `the search is in the address (${page.url()})`);
    const links = await page.$$eval("main a", (all) => all.map((a) => a.getAttribute("href")));
    check(links.includes(`/clubs/${CLUB}/members/M002`), `M002 is found (links: ${links.join(" ")})`);
    check(!links.includes(`/clubs/${CLUB}/members/M001`), "M001 is not (it does not match M002)");

    await Promise.all([page.waitForNavigation(), page.click(`main a[href="/clubs/${CLUB}/members/M002"]`)]);
    const statement = await (
      await fetch(`${base}/v1/clubs/${CLUB}/members/M002`, { headers: { Authorization: `Bearer ${KEYS.admin}` } })
    ).json();
    const shown = await text(page);
    check(shown.includes("M002"), "the statement names the member");
    check(shown.includes(statement.balances.available), `the balance ${statement.balances.available} is shown`);
    for (const entry of statement.statement) {
      check(shown.includes(entry.event), `the statement shows the entry of event ${entry.event}`);
      check(shown.includes(entry.reason), `the statement gives the reason "${entry.reason}"`);
    }
  }),
);

test("an operator adjusts points with a reason; sending the same form again changes nothing", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    const before = Number(await available("M003"));
    await open(page, `/clubs/${CLUB}/members/M003`);
    await fill(page, "form#adjust", "points", "5");
    await fill(page, "form#adjust", "reason", "browser test: a kind word");
    const fields = await formFields(page, "adjust");
    check(
      fields.some(([name, value]) => name === "id" && value),
      "the adjust form carries an idempotency id (hidden field `id`)",
    );
    const answer = await submit(page, "form#adjust");
    check(answer.status() < 400, `the adjustment was accepted (status ${answer.status()})`);
    equal(Number(await available("M003")), before + 5, "M003's available points after adjusting by 5");
    const again = await postFrom(page, `/clubs/${CLUB}/members/M003/adjust`, fields);
    check(again.status < 400, `the same form sent again is answered, not refused (${again.status})`);
    equal(Number(await available("M003")), before + 5, "M003's points after the same form again");
  }),
);

test("a viewer sees the statement but no form to change it, and a forged adjustment is refused", async () =>
  using(await signIn(KEYS.viewer, { lang: "en" }), async (page) => {
    const before = await available("M001");
    await open(page, `/clubs/${CLUB}/members/M001`);
    check((await text(page)).includes("M001"), "the viewer sees M001's statement");
    for (const form of ["adjust", "redeem", "convert"]) {
      check(!(await page.$(`form#${form}`)), `a viewer is shown no form#${form}`);
    }
    // With the session's own CSRF token: refused for the role alone.
    const forged = await postFrom(page, `/clubs/${CLUB}/members/M001/adjust`, [
      ["csrf", await csrf(page)],
      ["id", "forged-by-a-viewer"],
      ["points", "1000"],
      ["reason", "forged"],
    ]);
    equal(forged.status, 403, "a viewer's adjustment");
    equal(await available("M001"), before, "M001's points after a viewer's forged adjustment");
  }),
);

test("a write without the session's CSRF token is refused and changes nothing", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    const before = await available("M001");
    await open(page, `/clubs/${CLUB}/members/M001`);
    check(await page.$("form#adjust"), "the operator is shown form#adjust (the positive control)");
    for (const token of [null, "bk_not-this-session"]) {
      const fields = [
        ["id", `no-token-${token}`],
        ["points", "1000"],
        ["reason", "no token"],
      ];
      if (token) fields.push(["csrf", token]);
      const refused = await postFrom(page, `/clubs/${CLUB}/members/M001/adjust`, fields);
      equal(refused.status, 403, `an adjustment with ${token ? "another" : "no"} CSRF token`);
    }
    equal(await available("M001"), before, "M001's points after the refused writes");
    // Signing out is a write too.
    const signOut = await postFrom(page, "/sign-out", [["csrf", "bk_forged"]]);
    equal(signOut.status, 403, "signing out with a forged token");
    equal((await page.goto(base + "/")).status(), 200, "still signed in after the forged sign-out");
  }),
);

test("another club's member is invisible: 404, as a member that does not exist", async () =>
  using(await signIn(KEYS.retailer, { lang: "en" }), async (page) => {
    const clubs = await page.$$eval("main table a", (links) => links.map((a) => a.getAttribute("href")));
    equal(JSON.stringify(clubs), JSON.stringify(["/clubs/retailer"]), "the clubs the retailer's key sees");
    // The positive control: its own club's member pages answer.
    await open(page, "/clubs/retailer/members");
    const own = await page.$$eval("main a", (all) =>
      all.map((a) => a.getAttribute("href")).filter((h) => /^\/clubs\/retailer\/members\/[^/?]+$/.test(h)),
    );
    check(own.length > 0, "the retailer's members page links to its members");
    await open(page, own[0]);
    for (const pathname of [`/clubs/${CLUB}`, `/clubs/${CLUB}/members`, `/clubs/${CLUB}/members/M001`]) {
      await open(page, pathname, 404);
      check(!(await text(page)).includes("M001"), `${pathname} says nothing of M001`);
    }
    const unknown = await text(page);
    await open(page, `/clubs/${CLUB}/members/NO-SUCH-MEMBER`, 404);
    equal(await text(page), unknown, "the page for another club's member is that of a club that does not exist");
  }),
);

test("try a purchase: the live version and a draft side by side, nothing written", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    const before = await available("M002");
    await open(page, `/clubs/${CLUB}/try`);
    const drafts = await page.$$eval('main select[name="draft"] option', (options) => options.map((o) => o.value));
    check(drafts.includes(DRAFT), `the try page offers the draft ${DRAFT} beside the club (offers: ${drafts.join(", ")})`);
    await fill(page, "main form", "member", "M002");
    await fill(page, "main form", "amount", "500000");
    await fill(page, "main form", "draft", DRAFT);
    const answer = await submit(page, "main form");
    equal(answer.status(), 200, "status of the tried purchase");
    const shown = await text(page);
    // 500,000 IRR: 50 stars live (1 per 10,000), 100 under the draft (1 per 5,000).
    check(/\b50\b/.test(shown), "the live version's 50 stars are shown");
    check(/\b100\b/.test(shown), "the draft's 100 stars are shown");
    check(shown.includes(DRAFT), "the draft is named beside its figures");
    check(shown.includes("base"), "the rules are listed (base)");
    equal(await available("M002"), before, "M002's points after a try (nothing is written)");
  }),
);

test("policy: the live version's files", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    await open(page, `/clubs/${CLUB}/policy`);
    const shown = await text(page);
    check(shown.includes("3eaa9290d25e"), "the live version is named");
    check(shown.includes("earn.rhai") && shown.includes("club.yaml"), "the club's files are listed");
    check(shown.includes("fn base_points(event, member)"), "earn.rhai's text is shown");
  }),
);

test("what-if: the draft over the club's history, with the report", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    await open(page, `/clubs/${CLUB}/what-if`);
    await fill(page, "main form", "draft", DRAFT);
    // The café's examples: 1403-10-03 to 1403-11-03.
    await fill(page, "main form", "from", "1403-10-01");
    await fill(page, "main form", "to", "1403-11-30");
    const answer = await submit(page, "main form");
    equal(answer.status(), 200, "status of the what-if");
    const shown = await text(page);
    check(shown.includes(DRAFT), "the page names the draft");
    // The report is the simulation's own page, in the page or in a frame of it.
    let charts = 0;
    for (const frame of page.frames()) {
      await frame.waitForFunction(() => document.readyState === "complete");
      charts += await frame.$$eval("svg", (all) => all.length);
    }
    check(charts > 0, "the report draws its charts (an <svg> in the page or its frame)");
  }),
);

test("the language switch turns the page Persian, right to left, and the choice is kept", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    equal(await page.$eval("html", (h) => h.dir), "ltr", "the page's direction before");
    await Promise.all([page.waitForNavigation(), page.click('header a[hreflang="fa"]')]);
    equal(await page.$eval("html", (h) => [h.lang, h.dir].join(" ")), "fa rtl", "after the switch");
    equal(await page.$eval('form[action="/sign-out"] button', (b) => b.innerText), "خروج", "the sign-out button");
    await page.goto(`${base}/`);
    equal(await page.$eval("html", (h) => h.lang), "fa", "the next page's language (kept in a cookie)");
  }),
);

test("sign out: the session ends, and its cookie no longer opens a page", async () =>
  using(await signIn(KEYS.operator, { lang: "en" }), async (page) => {
    const cookies = await page.cookies();
    const session = cookies.find((c) => c.name === "bashgah_session");
    check(session, `a session cookie (have: ${cookies.map((c) => c.name).join(", ")})`);
    check(session.httpOnly && session.sameSite === "Strict", "the session cookie is HttpOnly, SameSite=Strict");
    await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-out"] button')]);
    equal(new URL(page.url()).pathname, "/sign-in", "where signing out leads");
    await page.goto(base + "/");
    equal(new URL(page.url()).pathname, "/sign-in", "/ after signing out");
    const replayed = await fetch(`${base}/`, { headers: { Cookie: `bashgah_session=${session.value}` }, redirect: "manual" });
    equal(replayed.status, 303, "the old session cookie, sent again");
  }),
);

// ---------------------------------------------------------------------------------------
// Every page in both languages.

/** What the screenshot holds: distinct colours and the share of non-white pixels. */
async function inkOf(png) {
  const page = await newPage();
  try {
    return await page.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, image.width, image.height).data;
      const colours = new Set();
      let ink = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
        colours.add((r << 16) | (g << 8) | b);
        if (r !== 255 || g !== 255 || b !== 255) ink += 1;
      }
      return { colours: colours.size, ink: ink / (pixels.length / 4), width: image.width, height: image.height };
    }, png.toString("base64"));
  } finally {
    await page.closeAll();
  }
}

/** Figures in Latin digits that a Persian page shows (Persian digits are the Arg types'
 * job). Not counted: ids and words with digits in them (M001, 3eaa9290d25e, P1004), text
 * in Latin letters only (a club's own English descriptions), and whatever is marked left
 * to right or sits in <code>/<pre>. The first few, to say where. */
async function latinDigits(page) {
  return page.evaluate(() => {
    const kept = 'code, pre, kbd, samp, [dir="ltr"], script, style, textarea, option, [translate="no"]';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node && found.length < 5; node = walker.nextNode()) {
      const figures = node.data.replace(/[\w.:/-]*[A-Za-z][\w.:/-]*/g, "");
      const persian = /[\u0600-\u06FF]/.test(node.data);
      const english = /[A-Za-z]/.test(node.data);
      if (/[0-9]/.test(figures) && (persian || !english) && !node.parentElement.closest(kept)) {
        found.push(node.data.trim().slice(0, 60));
      }
    }
    return found;
  });
}

/** A screenshot of the whole page. Not `fullPage`: Chromium draws a right-to-left page
 * shifted sideways that way; a window as tall as the page is drawn right. */
async function wholePage(page) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const viewport = page.viewport();
  await page.setViewport({ ...viewport, height: Math.min(Math.max(height, viewport.height), 16000) });
  try {
    return Buffer.from(await page.screenshot({ captureBeyondViewport: false }));
  } finally {
    await page.setViewport(viewport);
  }
}

/** Tabs through the page: which interactive elements never get the focus. */
async function unreachable(page) {
  const wanted = await page.evaluate(() => {
    const selector =
      'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
    const all = [...document.querySelectorAll(selector)].filter(
      (element) =>
        !element.disabled &&
        element.getClientRects().length > 0 &&
        getComputedStyle(element).visibility !== "hidden" &&
        !element.closest("[inert]"),
    );
    all.forEach((element, index) => element.setAttribute("data-tab-check", String(index)));
    return all.length;
  });
  const reached = new Set();
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  // Bounded: twice the controls, and at most 1,000 presses.
  for (let press = 0; press < Math.min(2 * wanted + 5, 1000) && reached.size < wanted; press += 1) {
    await page.keyboard.press("Tab");
    const index = await page.evaluate(() => document.activeElement?.getAttribute("data-tab-check"));
    if (index !== null && index !== undefined) reached.add(index);
  }
  return page.evaluate(
    (seen) =>
      [...document.querySelectorAll("[data-tab-check]")]
        .filter((element) => !seen.includes(element.getAttribute("data-tab-check")))
        .map((element) => element.outerHTML.slice(0, 120)),
    [...reached],
  );
}

for (const spec of PAGES) {
  for (const lang of LANGS) {
    test(`page ${spec.name} (${lang}): screenshot, direction, accessibility, keyboard`, async () => {
      const page = spec.signedIn === false ? await newPage(lang) : await signIn(KEYS.operator, { lang });
      const problems = [];
      try {
        page.expectedStatus = spec.status ?? 200;
        const separator = spec.path.includes("?") ? "&" : "?";
        const answer = await page.goto(`${base}${spec.path}${separator}lang=${lang}`, { waitUntil: "load" });
        const status = page.expectedStatus;
        if (answer.status() !== status) {
          throw new Failure(`${spec.path} answered ${answer.status()}, not ${status} (page not built yet?)`);
        }
        const file = path.join(SHOTS, `${spec.name}-${lang}.png`);
        const png = await wholePage(page);
        fs.writeFileSync(file, png);
        const ink = await inkOf(png);
        if (ink.colours < 8 || ink.ink < 0.002) {
          problems.push(`the screenshot looks blank: ${ink.colours} colours, ${(ink.ink * 100).toFixed(2)}% ink`);
        }

        const direction = await page.evaluate(() => ({
          lang: document.documentElement.getAttribute("lang"),
          dir: document.documentElement.getAttribute("dir"),
          computed: getComputedStyle(document.documentElement).direction,
          // Where the heading is drawn: at the right in a right-to-left page.
          heading: (() => {
            const h1 = document.querySelector("h1");
            if (!h1) return null;
            const range = document.createRange();
            range.selectNodeContents(h1);
            const box = range.getBoundingClientRect();
            return { left: box.left, right: box.right, width: document.documentElement.clientWidth };
          })(),
        }));
        const rtl = lang === "fa";
        if (direction.lang !== lang) problems.push(`<html lang="${direction.lang}">, not ${lang}`);
        if (direction.dir !== (rtl ? "rtl" : "ltr")) problems.push(`<html dir="${direction.dir}">`);
        if (direction.computed !== (rtl ? "rtl" : "ltr")) problems.push(`computed direction ${direction.computed}`);
        if (!direction.heading) {
          problems.push("no <h1>");
        } else {
          const { left, right, width } = direction.heading;
          const atRight = width - right < left;
          if (atRight !== rtl) problems.push(`the heading is drawn at the ${atRight ? "right" : "left"}`);
        }
        const wide = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        if (wide[0] > wide[1]) problems.push(`the page is ${wide[0]} px wide in a ${wide[1]} px window: it scrolls sideways`);
        if (rtl) {
          const latin = await latinDigits(page);
          if (latin.length) problems.push(`Latin digits in Persian text: ${latin.map((t) => JSON.stringify(t)).join(", ")}`);
        }

        await page.evaluate(AXE);
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
          }));
        });
        for (const v of violations) {
          const line = `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.join("; ")})`;
          if (v.impact === "serious" || v.impact === "critical") problems.push(line);
          else console.log(`  note: ${spec.name}-${lang}: ${line}`);
        }

        await page.reload({ waitUntil: "load" });
        const missed = await unreachable(page);
        if (missed.length) problems.push(`not reachable with Tab: ${missed.join(" | ")}`);
        problems.push(...page.problems);
        if (problems.length) throw new Failure(problems.join("\n      "));
      } finally {
        await page.closeAll();
      }
    });
  }
}

// ---------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(BIN)) {
    console.error(`console: no bashgah at ${BIN} (cargo build first, or set BASHGAH_BIN)`);
    process.exit(2);
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const dir = workspace();
  const server = await startServer(dir);
  base = server.base;
  let passed = 0;
  const failed = [];
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--font-render-hinting=none"],
    });
    const chosen = ONLY.length ? tests.filter((t) => ONLY.some((word) => t.name.includes(word))) : tests;
    for (const { name, body } of chosen) {
      const started = Date.now();
      try {
        await body();
        passed += 1;
        console.log(`ok    ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed.push(name);
        const reason = error instanceof Failure ? error.message : error.stack || String(error);
        console.log(`FAIL  ${name}\n      ${reason}`);
      }
    }
  } finally {
    if (browser) await browser.close();
    server.child.kill("SIGTERM");
  }
  if (failed.length) {
    console.log(`\nserver log and workspace: ${dir}`);
  } else {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`screenshots: ${path.relative(process.cwd(), SHOTS) || SHOTS}`);
  console.log(`console: ${passed} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`console: ${error.stack || error}`);
  process.exit(2);
});
