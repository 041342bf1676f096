//! Species and lineage: the same species ids and tree for any threads and
//! region grid, through a snapshot and back, the threshold respected, and a
//! Newick tree that a standard phylogenetics library reads (Biopython's
//! Bio.Phylo, when `/usr/bin/python3` has it; required where
//! `EVOSIM_REQUIRE_PHYLO=1`, as in CI); and the viewer's colour by species
//! and highlighted species, drawn offscreen (needs a GPU adapter: skipped
//! without one unless `EVOSIM_REQUIRE_GPU=1`).

#[cfg(feature = "viewer")]
use crate::common::{
    evosim,
    gpu::have_gpu,
    shot::{decode, near},
};
use evosim::common::NONE;
use evosim::species::distance;
use evosim::{Backend, Scenario, Simulation};

/// The default scenario at 1,500 entities with a low threshold, so that
/// species are founded (and die out) within a few hundred ticks.
fn scenario(threshold: f32) -> Scenario {
    let mut s = crate::common::default_scaled(1500);
    s.species.threshold = threshold;
    s
}

fn run(sim: &mut Simulation, ticks: u32) {
    for _ in 0..ticks {
        sim.step().expect("tick");
    }
}

fn with_grid(threshold: f32, threads: usize, rows: u32, cols: u32, ticks: u32) -> Simulation {
    let mut s = scenario(threshold);
    s.regions.rows = rows;
    s.regions.cols = cols;
    let mut sim = crate::common::sim(s, threads);
    run(&mut sim, ticks);
    sim
}

#[test]
fn species_and_tree_are_the_same_for_any_threads_and_region_grid() {
    // A threshold low enough that some of the species founded in 900
    // ticks die out again (0.1 founded 38 and lost none with 16-bit food).
    let a = with_grid(0.08, 1, 1, 1, 900);
    let b = with_grid(0.08, 2, 2, 2, 900);
    let c = with_grid(0.08, 2, 3, 1, 900);
    let book = a.species();
    assert!(
        book.total() > 8 && book.alive_count() < book.total(),
        "species founded and extinct in the test world: {} founded, {} alive",
        book.total(),
        book.alive_count()
    );
    for other in [&b, &c] {
        assert_eq!(other.state_hash(), a.state_hash());
        assert_eq!(other.species_hash(), a.species_hash());
        assert_eq!(other.phylogeny(), a.phylogeny());
        assert_eq!(other.species().list, a.species().list);
        assert_eq!(other.species().history, a.species().history);
    }
    crate::common::check_invariants(&b);
}

#[test]
fn a_resumed_run_gives_the_tree_of_an_uninterrupted_one() {
    let whole = with_grid(0.1, 2, 0, 0, 500);
    let mut first = with_grid(0.1, 2, 0, 0, 230);
    let bytes = first.to_snapshot().expect("snapshot");
    let at_save = first.species_hash();
    run(&mut first, 270);
    let mut resumed = Simulation::from_snapshot(&bytes, Backend::Cpu, 1, Some((3, 2))).unwrap();
    assert_eq!(resumed.species_hash(), at_save);
    run(&mut resumed, 270);
    for s in [&first, &resumed] {
        assert_eq!(s.species_hash(), whole.species_hash());
        assert_eq!(s.phylogeny(), whole.phylogeny());
        assert_eq!(s.species().history, whole.species().history);
    }
    assert!(whole.species().total() > 4, "species were founded");
}

/// Tick by tick: every child born in the tick lies within the threshold
/// of its species' representative as it was when the births were resolved
/// (the tick's start), unless it founded a species in that tick — and then
/// it lies beyond its parent species' one.
#[test]
fn children_within_the_threshold_stay_and_only_those_beyond_found_species() {
    let threshold = 0.1;
    let mut sim = crate::common::sim(scenario(threshold), 2);
    let (mut founded, mut stayed) = (0, 0);
    for _ in 0..400 {
        let reps: Vec<_> = sim
            .species()
            .list
            .iter()
            .map(|s| s.representative)
            .collect();
        let first_new_id = sim.next_id();
        sim.step().unwrap();
        let (e, book) = (sim.entities(), sim.species());
        for i in 0..sim.live_end() {
            if !e.alive(i) || e.id[i] < first_new_id {
                continue;
            }
            let s = book.species_of(i) as usize;
            if s < reps.len() {
                let d = distance(&e.genes[i], &reps[s]);
                assert!(d <= threshold as f64, "child {} stayed at {d}", e.id[i]);
                stayed += 1;
            } else {
                let r = &book.list[s];
                let d = distance(&e.genes[i], &reps[r.parent as usize]);
                assert!(d > threshold as f64, "child {} founded at {d}", e.id[i]);
                assert_eq!((r.founder, r.representative), (e.id[i], e.genes[i]));
                founded += 1;
            }
        }
    }
    assert!(
        founded > 3 && stayed > 100,
        "{founded} founded, {stayed} stayed"
    );
    let tribes = sim.scenario().tribes.len();
    for s in &sim.species().list[tribes..] {
        assert!(s.parent < s.id && s.founder != NONE && s.founded < sim.tick());
        assert_eq!(s.tribe, sim.species().list[s.parent as usize].tribe);
    }
    // No genome lies farther than 1 from another: nothing is ever founded.
    let mut none = crate::common::sim(scenario(1.0), 2);
    run(&mut none, 400);
    assert!(none.counters().total(|t| t.births) > 100);
    assert_eq!(none.species().total() as usize, tribes);
}

/// The leaves of a Newick text: `s<id>` names before a `:`.
fn leaves(newick: &str) -> Vec<u32> {
    let mut out: Vec<u32> = newick
        .split(['(', ',', ')'])
        .filter_map(|t| t.strip_prefix('s'))
        .filter_map(|t| t.split(':').next()?.parse().ok())
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn the_newick_tree_has_one_leaf_per_species_and_a_phylogenetics_library_reads_it() {
    let sim = with_grid(0.1, 2, 0, 0, 500);
    let text = sim.phylogeny();
    let total = sim.species().total();
    assert_eq!(leaves(&text), (0..total).collect::<Vec<_>>(), "{text}");
    assert!(text.ends_with(");"));
    let depth = text.chars().try_fold(0i64, |d, c| {
        let d = d + i64::from(c == '(') - i64::from(c == ')');
        (d >= 0).then_some(d)
    });
    assert_eq!(depth, Some(0), "balanced parentheses");
    // Biopython reads it: as many terminals, each named once, and every
    // species' leaf as far from the root as its end (extinction or now).
    let dir = crate::common::temp_dir("newick");
    let file = dir.join("tree.nwk");
    std::fs::write(&file, format!("{text}\n")).unwrap();
    let script = "import sys\nfrom Bio import Phylo\nt = Phylo.read(sys.argv[1], 'newick')\n\
        names = [c.name for c in t.get_terminals()]\n\
        depths = t.depths()\n\
        print(len(names), len(set(names)))\n\
        for c in t.get_terminals(): print(c.name, round(depths[c]))\n";
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .arg(&file)
        .output();
    let required = std::env::var("EVOSIM_REQUIRE_PHYLO").is_ok_and(|v| v == "1");
    let out = match out {
        Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap(),
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(!required, "Biopython could not read the tree: {why}");
            eprintln!("skipped the Biopython check (python3 with Bio.Phylo not found): {why}");
            return;
        }
    };
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(format!("{total} {total}").as_str()));
    for line in lines {
        let (name, depth) = line.split_once(' ').unwrap();
        let id: usize = name.strip_prefix('s').unwrap().parse().unwrap();
        let s = &sim.species().list[id];
        let end = if s.extinct == NONE {
            sim.tick()
        } else {
            s.extinct
        };
        assert_eq!(depth.parse::<u32>().unwrap(), end, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_cli_writes_the_tree_the_species_csv_and_the_json_fields() {
    let dir = crate::common::temp_dir("species-cli");
    let (tree, csv) = (dir.join("t.nwk"), dir.join("s.csv"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_evosim"))
        .args([
            "run",
            "--entities",
            "1500",
            "--ticks",
            "120",
            "--backend",
            "cpu",
        ])
        .args(["--quiet", "--json", "--stats-every", "60"])
        .arg("--phylogeny")
        .arg(&tree)
        .arg("--species-csv")
        .arg(&csv)
        .output()
        .unwrap();
    let json = crate::common::last_json(&out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let total = json["species_total"].as_u64().unwrap();
    assert!(json["species_alive"].as_u64().unwrap() <= total);
    assert!(stdout.contains("species: "), "{stdout}");
    let text = std::fs::read_to_string(&tree).unwrap();
    assert_eq!(leaves(text.trim()).len() as u64, total);
    let rows = std::fs::read_to_string(&csv).unwrap();
    let mut lines = rows.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("tick,species,parent,tribe,count,founded,mean_speed")
    );
    // Rows at ticks 0, 60 and 120, one per living species.
    let ticks: std::collections::BTreeSet<&str> =
        lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ticks.into_iter().collect::<Vec<_>>(), ["0", "120", "60"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sRGB bytes of a linear colour, as the viewer's target stores it.
#[cfg(feature = "viewer")]
fn srgb(linear: [f32; 3]) -> [u8; 3] {
    let c = egui::Color32::from(egui::Rgba::from_rgb(linear[0], linear[1], linear[2]));
    [c.r(), c.g(), c.b()]
}

/// Pixels within 2 of `c`.
#[cfg(feature = "viewer")]
fn pixels_near(px: &[[u8; 3]], c: [u8; 3]) -> usize {
    px.iter().filter(|p| near(**p, c, 2)).count()
}

/// Colour by species and the highlight of one species, from a resumed
/// snapshot (`view --resume --color species --highlight-species`): each
/// tribe's species in its hue; with species 1 highlighted, its members
/// brighter and species 0's colour gone (dimmed).
#[cfg(feature = "viewer")]
#[test]
fn colour_by_species_and_a_highlighted_species_are_drawn() {
    if !have_gpu() {
        return;
    }
    let dir = crate::common::temp_dir("species-shot");
    let snap = dir.join("w.evosnap");
    let mut s = crate::common::default_scaled(3000);
    s.species.threshold = 0.1;
    let mut sim = evosim::Simulation::new(s, evosim::Backend::Cpu, 2).unwrap();
    for _ in 0..300 {
        sim.step().unwrap();
    }
    sim.save_snapshot(&snap).unwrap();
    let shot = |name: &str, extra: &[&str]| {
        let path = dir.join(name);
        let mut args = vec![
            "view",
            "--resume",
            snap.to_str().unwrap(),
            "--backend",
            "cpu",
        ];
        args.extend_from_slice(&["--paused", "--frames", "3", "--size", "960x600"]);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--screenshot", path.to_str().unwrap()]);
        let out = evosim(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        decode(&path).2
    };
    let px = shot("species.png", &["--color", "species"]);
    for k in 0..4 {
        let n = pixels_near(&px, srgb(evosim::species::color(k)));
        assert!(n >= 30, "species {k} drawn on {n} pixels");
    }
    let px = shot(
        "highlight.png",
        &["--color", "species", "--highlight-species", "1"],
    );
    let c1 = evosim::species::color(1).map(|c| c * 0.7 + 0.3);
    let lit = pixels_near(&px, srgb(c1));
    let s0 = pixels_near(&px, srgb(evosim::species::color(0)));
    assert!(
        lit >= 30 && s0 < 5,
        "highlighted {lit} pixels, species 0 on {s0}"
    );
    let bad = evosim(&["view", "--color", "plaid", "--screenshot", "x.png"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("species") && !err.contains("panicked"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
