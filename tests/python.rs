//! The Python package's tests (python/tests, pytest) against this build's
//! command line. They need a Python with the package installed
//! (`pip install ./python`) and pytest: the one named by `EVOSIM_PYTHON`,
//! else `python3`. Without them the test says so and passes; with
//! `EVOSIM_REQUIRE_PYTHON=1` (CI) it fails instead.

use std::path::Path;
use std::process::Command;

#[test]
fn the_python_package_passes_its_tests() {
    let python = std::env::var("EVOSIM_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = Command::new(&python)
        .args(["-c", "import evosim, pytest, pandas"])
        .output();
    let missing = match &has {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Some(e.to_string()),
    };
    if let Some(why) = missing {
        let line = why.lines().last().unwrap_or_default().to_string();
        assert!(
            std::env::var("EVOSIM_REQUIRE_PYTHON").as_deref() != Ok("1"),
            "EVOSIM_REQUIRE_PYTHON=1 but {python} cannot import evosim, pytest and pandas: {line}"
        );
        eprintln!(
            "skipped the Python package's tests ({python}: {line}); run `pip install \"./python[test]\"` \
             in a venv and name its python in EVOSIM_PYTHON"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "python/tests",
        ])
        .current_dir(root)
        .env("EVOSIM_BIN", env!("CARGO_BIN_EXE_evosim"))
        .env("EVOSIM_REQUIRE_CLI", "1")
        .status()
        .expect("pytest starts");
    assert!(
        status.success(),
        "pytest python/tests failed (its output is above)"
    );
}
