use super::*;
use crate::model::entities::{FLAG_ALIVE, SlotState};
use crate::model::genes::{Genes, pack};

/// A living member of tribe 0 at rest in slot `i` (id `i`) with 1 e.
fn member(i: usize, genes: PackedGenes) -> SlotState {
    SlotState {
        slot: i as u32,
        id: i as u32,
        tribe_flags: FLAG_ALIVE,
        pos: [0.0; 2],
        vel: [0.0; 2],
        energy: 1.0,
        age: 0.0,
        genes,
    }
}

fn genome(v: f32) -> PackedGenes {
    // Every gene at the same fraction `v` of its range.
    let mut g = [0.0; GENE_COUNT];
    for (k, x) in g.iter_mut().enumerate() {
        *x = decode(k, 0) + (decode(k, 65535) - decode(k, 0)) * v;
    }
    pack(&Genes(g))
}

/// A world of `n` slots, the first two alive in tribe 0 with genes at 0.5.
fn two_members(n: usize) -> (Entities, SpeciesBook) {
    let mut e = Entities::with_capacity(n);
    for i in 0..2 {
        e.set(&member(i, genome(0.5)));
    }
    let book = SpeciesBook::from_tribes(&mut e, 2, 1, 16);
    (e, book)
}

#[test]
fn distance_is_zero_for_equal_genes_and_one_at_opposite_ends() {
    assert_eq!(distance(&genome(0.3), &genome(0.3)), 0.0);
    assert_eq!(distance(&genome(0.0), &genome(1.0)), 1.0);
    let d = distance(&genome(0.5), &genome(0.6));
    assert!((d - 0.1).abs() < 1e-4, "{d}");
}

#[test]
fn a_child_within_the_threshold_never_founds_a_species() {
    let (_, mut book) = two_members(64);
    // Children at distances 0.00 .. 0.30 from the representative (0.5),
    // threshold 0.15: those within stay, those beyond found one each.
    for (slot, step) in (2..).zip(0..=30) {
        let genes = genome(0.5 + step as f32 * 0.01);
        let d = distance(&genes, &book.list[0].representative);
        let before = book.total();
        let s = book.born(0.15, 7, (0, 0), (slot, 100 + slot), &genes);
        if d <= 0.15 {
            assert_eq!(s, 0, "a child at distance {d} founded species {s}");
            assert_eq!(book.total(), before);
        } else {
            assert_eq!(s, before, "a child at distance {d} stayed in species {s}");
            let r = &book.list[s as usize];
            assert_eq!((r.parent, r.founded, r.founder), (0, 7, 100 + slot));
            assert_eq!(r.representative, genes);
        }
    }
    assert!(book.total() > 1, "no child was beyond the threshold");
}

#[test]
fn the_last_death_makes_a_species_extinct_and_counts_stay_exact() {
    let (mut e, mut book) = two_members(8);
    let far = genome(0.95);
    let s = book.born(0.1, 3, (0, 0), (2, 2), &far);
    e.set(&member(2, far));
    e.tribe_flags[2] = with_tag(e.tribe_flags[2], s);
    assert_eq!((s, book.alive_count()), (1, 2));
    assert_eq!(book.check(&e, 3), Ok(()));
    assert_eq!(book.parent_of(2), 0);
    let means = book.list[1].gene_means();
    assert!((means[0] - (5.0 + 20.0 * 0.95)).abs() < 1e-3, "{means:?}");
    book.died(9, 2, &far);
    e.kill(2);
    assert_eq!(book.list[1].extinct, 9);
    assert_eq!(book.list[1].population, 0);
    assert_eq!(book.alive_count(), 1);
    assert_eq!(book.check(&e, 3), Ok(()));
    assert_eq!(book.lineage(1), vec![1, 0]);
}

#[test]
fn renumbering_moves_species_and_parents_with_the_slots() {
    let (_, mut book) = two_members(8);
    let far = genome(0.0);
    book.born(0.1, 1, (1, 1), (5, 9), &far);
    // New slot 0 = old 5, new slot 1 = old 0.
    book.renumber(&[5, 0], 6, &mut Vec::new());
    assert_eq!((book.species_of(0), book.parent_of(0)), (1, 1));
    assert_eq!((book.species_of(1), book.parent_of(1)), (0, NONE));
    assert_eq!(book.parent_of(5), NONE);
}

fn sp(id: u32, parent: u32, founded: u32, extinct: u32) -> Species {
    Species {
        id,
        parent,
        tribe: 0,
        founded,
        founder: NONE,
        extinct,
        representative: [0; 5],
        population: u64::from(extinct == NONE),
        members: 1,
        gene_sums: [0; GENE_COUNT],
    }
}

#[test]
fn newick_splits_each_lineage_where_a_species_was_founded() {
    // Tribes 0 and 1; 2 splits from 0 at 10, 3 from 0 at 30 (dies at 50),
    // 4 from 2 at 20; now is 100.
    let list = vec![
        sp(0, NONE, 0, NONE),
        sp(1, NONE, 0, 60),
        sp(2, 0, 10, NONE),
        sp(3, 0, 30, 50),
        sp(4, 2, 20, NONE),
    ];
    assert_eq!(
        newick::write(&list, 100),
        "(((s4:80,s2:80):10,(s3:20,s0:70):20):10,s1:60);"
    );
    assert_eq!(newick::write(&list[..1], 5), "(s0:5);");
}

#[test]
fn a_history_sample_names_the_largest_species_and_sums_the_rest() {
    let (_, mut book) = two_members(128);
    for k in 0..70u32 {
        let genes = genome((k + 1) as f32 / 150.0);
        assert!(book.born(0.0, 1, (0, 0), (2 + k, 10 + k), &genes) > 0);
    }
    book.sample(60);
    let s = book.history.back().unwrap();
    assert_eq!(s.sizes.len(), HISTORY_SPECIES);
    // Species 0 (2 members) and the 63 lowest ids of the one-member ones.
    assert_eq!(s.sizes[0], (0, 2));
    assert_eq!(s.sizes.last(), Some(&(63, 1)));
    assert_eq!(s.other, 7);
    assert!(s.sizes.windows(2).all(|w| w[0].0 < w[1].0));
}
