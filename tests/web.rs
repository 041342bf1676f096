//! The browser demo, end to end: builds it (`scripts/build-web.sh`: the
//! threaded build on nightly, the single-threaded one on stable), serves it
//! and drives Debian's Chromium headless with Playwright
//! (`web/tests/browser.mjs`): WebGPU presenting from the simulation's
//! worker, the viewer and the fallback on 1 and 2 threads, a page that is
//! not cross-origin isolated, a crashed worker restarted from its
//! checkpoint — every CPU state hash equal to `evosim run --backend cpu`
//! here.
//!
//! Needs Chromium (`/usr/bin/chromium` or `$CHROMIUM`), Node.js and
//! `npm ci` in `web/tests/`. Without them the test says so and passes, unless
//! `EVOSIM_REQUIRE_WEB=1` (CI sets it), where a missing piece fails it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What is missing to run the browser test, if anything.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "no Chromium at {chromium} (apt-get install chromium)"
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no Node.js (apt-get install nodejs)".into());
    }
    if !root()
        .join("web/tests/node_modules/playwright-core")
        .exists()
    {
        return Some("no playwright-core (cd web/tests && npm ci)".into());
    }
    None
}

#[test]
fn browser_demo_runs_in_workers_on_webgpu_and_on_the_cpu() {
    let required = std::env::var("EVOSIM_REQUIRE_WEB").is_ok_and(|v| v == "1");
    if let Some(why) = missing() {
        assert!(!required, "EVOSIM_REQUIRE_WEB=1 but {why}");
        eprintln!("skipped: {why}");
        return;
    }
    // The page, and a copy of it as a site to publish (served by
    // `python3 -m http.server`, which sends no COOP/COEP headers).
    let site = root().join("target/web-site");
    let _ = std::fs::remove_dir_all(&site);
    let build = Command::new("bash")
        .arg(root().join("scripts/build-web.sh"))
        .arg("--site")
        .arg(&site)
        .current_dir(root())
        .status()
        .expect("run scripts/build-web.sh");
    assert!(build.success(), "scripts/build-web.sh failed");
    let out = Command::new("node")
        .arg(root().join("web/tests/browser.mjs"))
        .current_dir(root())
        .env("WEB_ROOT", root().join("target/web"))
        .env("WEB_SITE", &site)
        .env("EVOSIM_BIN", env!("CARGO_BIN_EXE_evosim"))
        .output()
        .expect("run node web/tests/browser.mjs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{text}");
    assert!(out.status.success(), "browser checks failed:\n{text}");
    assert!(text.contains("all browser checks passed"), "{text}");
}
