//! Scenario parsing, validation and resizing.

use evosim::Scenario;
use evosim::model::genes::GENE_COUNT;
use evosim::model::scenario::ScenarioError;

fn err(text: &str) -> String {
    match Scenario::from_toml(text, "t.toml") {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => {
            let s = e.to_string();
            assert_eq!(s.lines().count(), 1, "one line: {s}");
            s
        }
    }
}

const TRIBE: &str = "\n[[tribes]]\nname = \"A\"\ncount = 10\n";

#[test]
fn default_scenario_is_valid_and_has_four_tribes() {
    let s = Scenario::default_scenario();
    assert_eq!(s.tribes.len(), 4);
    assert_eq!(s.world.width, 8192.0);
    assert_eq!(s.resolved_capacity(), 65_536);
}

#[test]
fn every_bundled_scenario_loads() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 1);
}

#[test]
fn errors_name_the_field_and_range() {
    assert!(
        err(&format!("[world]\nwidth = -1{TRIBE}"))
            .contains("world.width: -1 is out of range (allowed 64 to 1048576)")
    );
    assert!(err(&format!("[hash]\nmax_neighbors = 0{TRIBE}")).contains("hash.max_neighbors"));
    assert!(err(&format!("[energy]\ninitial = 500{TRIBE}")).contains("energy.initial"));
    assert!(err(&format!("{TRIBE}color = \"red\"")).contains("tribes[0].color"));
    assert!(
        err(&format!("{TRIBE}genes.diet = {{ mean = 2 }}")).contains("tribes[0].genes.diet.mean")
    );
    assert!(err(&format!("{TRIBE}genes.diet = {{ mean = 0, sigma = 1 }}")).contains("sigma"));
    assert!(
        err(&format!("{TRIBE}spawn_center = [9000, 10]")).contains("tribes[0].spawn_center[0]")
    );
    assert!(err(&format!("capacity = 5{TRIBE}")).contains("capacity"));
    assert!(err("seed = 3").contains("tribes"));
    // The food grid counts a cooldown in 16-bit ticks.
    let long = err(&format!(
        "[food]\ncooldown = 3600\n[world]\ndt = 0.01{TRIBE}"
    ));
    assert!(
        long.contains("food.cooldown") && long.contains("65535 ticks"),
        "{long}"
    );
    assert!(
        Scenario::from_toml(
            &format!("[food]\ncooldown = 600\n[world]\ndt = 0.01{TRIBE}"),
            "x.toml"
        )
        .is_ok()
    );
    assert!(err(&format!("[terrain]\ncell_size = 4096\n[hash]\ncell_size = 4096\n[food]\ncell_size = 1\n[world]\nwidth = 1000000\nheight = 1000000{TRIBE}")).contains("food.cell_size"));
    // An owner is stored in 16 bits: at most 65,535 regions.
    let regions = err(&format!("[regions]\nrows = 256\ncols = 256{TRIBE}"));
    assert!(
        regions.contains("regions.cols") && regions.contains("at most 65535"),
        "{regions}"
    );
    assert!(
        Scenario::from_toml(
            &format!("[regions]\nrows = 256\ncols = 255{TRIBE}"),
            "x.toml"
        )
        .is_ok()
    );
    match Scenario::from_toml("[regions]\nrows = \"two\"", "x.toml") {
        Err(ScenarioError::Parse { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_genes_default_to_the_middle_of_their_range() {
    let s = Scenario::from_toml(TRIBE, "t").unwrap();
    for k in 0..GENE_COUNT {
        let g = s.tribes[0].genes.get(k);
        let (lo, hi) = evosim::model::genes::GENE_RANGES[k];
        assert_eq!(g.mean, 0.5 * (lo + hi));
    }
}

#[test]
fn scaling_keeps_density_and_proportions() {
    let s = Scenario::default_scenario();
    for n in [1u64, 7, 1000, 100_000, 1_000_000] {
        let t = s.scaled_to(n).unwrap();
        assert_eq!(t.initial_population(), n);
        let density = |x: &Scenario| {
            x.initial_population() as f64 / (x.world.width as f64 * x.world.height as f64)
        };
        if n >= 1000 {
            assert!((density(&t) / density(&s) - 1.0).abs() < 0.02, "n {n}");
            assert!(t.resolved_capacity() as u64 >= 4 * n);
        }
    }
    // A 10M world coarsens its food grid rather than exceeding the grid limit.
    let big = s.scaled_to(10_000_000).unwrap();
    assert!(big.food.cell_size > 16.0);
    assert!(s.scaled_to(0).is_err());
}
