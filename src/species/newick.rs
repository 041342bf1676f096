//! The species tree in Newick format, which phylogenetics tools read.
//!
//! Every species is one leaf, named `s<id>`. A species is a lineage from its
//! founding tick to its extinction (or to now); each species founded from it
//! splits that lineage at its founding tick, an internal node with two
//! children: the new species' subtree and the rest of the parent's lineage.
//! Branch lengths are in ticks. The initial species (the tribes) hang under
//! one root. Written without recursion, so that a deep tree cannot exhaust
//! the stack.

use super::Species;
use crate::common::NONE;

enum Item {
    Text(String),
    /// Species `s` from tick `start`, with its children from index `next`.
    Lineage {
        s: u32,
        start: u32,
        next: usize,
    },
}

/// The Newick text of the tree of `list` (every species founded, by id) as
/// of tick `now`.
pub fn write(list: &[Species], now: u32) -> String {
    // Children of each species in founding order (ids grow with it).
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); list.len()];
    for s in list {
        if s.parent != NONE
            && let Some(c) = children.get_mut(s.parent as usize)
        {
            c.push(s.id);
        }
    }
    let end = |s: &Species| if s.extinct == NONE { now } else { s.extinct };
    let mut out = String::from("(");
    let mut stack: Vec<Item> = Vec::new();
    let roots: Vec<u32> = list
        .iter()
        .filter(|s| s.parent == NONE)
        .map(|s| s.id)
        .collect();
    for (k, &r) in roots.iter().enumerate().rev() {
        stack.push(Item::Lineage {
            s: r,
            start: list[r as usize].founded,
            next: 0,
        });
        if k > 0 {
            stack.push(Item::Text(",".into()));
        }
    }
    while let Some(item) = stack.pop() {
        match item {
            Item::Text(t) => out.push_str(&t),
            Item::Lineage { s, start, next } => {
                let sp = &list[s as usize];
                match children[s as usize].get(next) {
                    None => {
                        out.push_str(&format!("s{s}:{}", end(sp).saturating_sub(start)));
                    }
                    Some(&c) => {
                        let at = list[c as usize].founded.max(start);
                        out.push('(');
                        stack.push(Item::Text(format!("):{}", at - start)));
                        stack.push(Item::Lineage {
                            s,
                            start: at,
                            next: next + 1,
                        });
                        stack.push(Item::Text(",".into()));
                        stack.push(Item::Lineage {
                            s: c,
                            start: at,
                            next: 0,
                        });
                    }
                }
            }
        }
    }
    out.push_str(");");
    out
}
