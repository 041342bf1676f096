// steer: sense and steer, one invocation per living entity in cell order.
// Twin of src/cpu/steer.rs and src/cpu/neighbors.rs: the same ring search
// (rings outward, row-major cells, ascending id inside a cell, cells culled
// by distance and by lying behind the view cone, early exit after
// max_neighbors accepted), the same forces, the same RNG draws. Floats agree
// within rounding (WGSL division and sqrt are not exactly rounded).
// Its bindings are declared in src/gpu/steer.rs, the shared structs and
// constants in src/gpu/layout.rs.

const CULL_MARGIN: f32 = 0.01;

fn delta_coord(a: f32, b: f32, size: f32) -> f32 {
    var d = b - a;
    let half = 0.5 * size;
    if d > half {
        d = d - size;
    } else if d < -half {
        d = d + size;
    }
    return d;
}

fn axis_bounds(reach: i32, cells: i32) -> vec2<i32> {
    if 2 * reach < cells {
        return vec2<i32>(reach, reach);
    }
    let lo = (cells - 1) / 2;
    return vec2<i32>(lo, cells - 1 - lo);
}

fn gap(d: i32, l: f32, size: f32) -> f32 {
    if size == 0.0 || d == 0 {
        return 0.0;
    }
    if d > 0 {
        return f32(d) * size - l;
    }
    return l - f32(d + 1) * size;
}

fn cos_half_angle(view_angle_deg: f32) -> f32 {
    let x = view_angle_deg * 0.008726646192371845;
    let x2 = x * x;
    return 1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0 * (1.0 - x2 / 90.0))));
}

// Twin of cpu::neighbors::in_cone: dot >= cos_half * sqrt(d2) without the
// square root (cos2 = cos_half * cos_half).
fn in_cone(dot: f32, d2: f32, cos_half: f32, cos2: f32) -> bool {
    if cos_half >= 0.0 {
        return dot >= 0.0 && dot * dot >= cos2 * d2;
    }
    return dot >= 0.0 || dot * dot <= cos2 * d2;
}

fn passable(p: vec2<f32>) -> bool {
    let t = grid_cell(u.terrain_cols, u.terrain_rows, u.terrain_inv_w, u.terrain_inv_h, p);
    return byte_at(terrain[t / 4u], t) >= 2u;
}

fn food_at(p: vec2<f32>) -> f32 {
    let k = grid_cell(u.food_cols, u.food_rows, u.food_inv_w, u.food_inv_h, p);
    // Whole quanta, two cells a word.
    return f32((food_amount[k / 2u] >> ((k & 1u) * 16u)) & 0xffffu) * u.food_quantum;
}

fn ahead(pos: vec2<f32>, d: vec2<f32>) -> vec2<f32> {
    return vec2<f32>(wrap_coord(pos.x + d.x * u.lookahead, u.world_w), wrap_coord(pos.y + d.y * u.lookahead, u.world_h));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let me_k = flat_index(gid, nwg);
    if me_k >= u.n {
        return;
    }
    let me = info[me_k];
    let me_slot = sorted[me_k];
    // gather_info left the id in the slot's intent word (read here, then
    // overwritten by the intent: no other invocation reads this slot's).
    let me_id = steer_out[me_slot];
    let me_tribe = me.diet_tribe & 0xffffu;
    let g = load_genes(me_slot);
    let pos = sorted_pos[me_k];
    let my_vel = me.vel;
    let speed = sqrt(my_vel.x * my_vel.x + my_vel.y * my_vel.y);
    var heading = vec2<f32>(1.0, 0.0);
    if speed > 1e-6 {
        heading = my_vel / speed;
    }
    let diet = gene_value(GENE_DIET, me.diet_tribe >> 16u);
    let hungry = me.energy < u.hungry_energy;
    let hunting = diet > u.hunt_diet && hungry;
    let flees = diet < u.flee_diet;
    var vision = gene(g, GENE_VISION);
    if hunting {
        vision = vision * u.hunt_vision;
    }
    let cos_half = cos_half_angle(gene(g, GENE_VIEW_ANGLE));
    let cos2 = cos_half * cos_half;
    let cohesion_gene = gene(g, GENE_COHESION);

    var sep = vec2<f32>(0.0);
    var ali = vec2<f32>(0.0);
    var coh = vec2<f32>(0.0);
    var same = 0u;
    var flee_v = vec2<f32>(0.0);
    var threats = 0u;
    var has_prey = false;
    var prey_score = 0.0;
    var prey_slot = NONE;
    var prey_d = vec2<f32>(0.0);
    var prey_dist = 0.0;

    // The ring search.
    let cols = i32(u.hash_cols);
    let rows = i32(u.hash_rows);
    let cx = clamp(i32(pos.x * u.hash_inv_w), 0, cols - 1);
    let cy = clamp(i32(pos.y * u.hash_inv_h), 0, rows - 1);
    let reach_x = i32(ceil(vision * u.hash_inv_w + 1e-4));
    let reach_y = i32(ceil(vision * u.hash_inv_h + 1e-4));
    let bx = axis_bounds(reach_x, cols);
    let by = axis_bounds(reach_y, rows);
    let kmax = max(max(bx.x, bx.y), max(by.x, by.y));
    let r2 = vision * vision;
    let lx = pos.x - f32(cx) * u.hash_cell_w;
    let ly = pos.y - f32(cy) * u.hash_cell_h;
    let clipped_x = 2 * reach_x >= cols;
    let clipped_y = 2 * reach_y >= rows;
    let cull_cone = cos_half >= 0.0 && !clipped_x && !clipped_y;
    var accepted = 0u;
    var done = u.max_neighbors == 0u;
    for (var k = 0; k <= kmax && !done; k = k + 1) {
        for (var dy = -k; dy <= k && !done; dy = dy + 1) {
            if dy < -by.x || dy > by.y {
                continue;
            }
            var gy = 0.0;
            if !clipped_y {
                gy = gap(dy, ly, u.hash_cell_h);
            }
            let gy2 = gy * gy;
            if gy2 > r2 {
                continue;
            }
            var y = cy + dy;
            if y < 0 {
                y = y + rows;
            } else if y >= rows {
                y = y - rows;
            }
            let full_row = abs(dy) == k;
            var dx = -k;
            loop {
                if dx > k || done {
                    break;
                }
                var gx = 0.0;
                if !clipped_x {
                    gx = gap(dx, lx, u.hash_cell_w);
                }
                var behind = false;
                if cull_cone {
                    var bxv = f32(dx) * u.hash_cell_w - lx;
                    if heading.x > 0.0 {
                        bxv = f32(dx + 1) * u.hash_cell_w - lx;
                    }
                    var byv = f32(dy) * u.hash_cell_h - ly;
                    if heading.y > 0.0 {
                        byv = f32(dy + 1) * u.hash_cell_h - ly;
                    }
                    behind = heading.x * bxv + heading.y * byv < -CULL_MARGIN;
                }
                if dx >= -bx.x && dx <= bx.y && gx * gx + gy2 <= r2 && !behind {
                    var x = cx + dx;
                    if x < 0 {
                        x = x + cols;
                    } else if x >= cols {
                        x = x - cols;
                    }
                    let cell = u32(y * cols + x);
                    let a = offsets[cell];
                    let b = offsets[cell + 1u];
                    for (var m = a; m < b; m = m + 1u) {
                        let q = sorted_pos[m];
                        let d = vec2<f32>(delta_coord(pos.x, q.x, u.world_w), delta_coord(pos.y, q.y, u.world_h));
                        let d2 = d.x * d.x + d.y * d.y;
                        if d2 > r2 || m == me_k {
                            continue;
                        }
                        if !in_cone(heading.x * d.x + heading.y * d.y, d2, cos_half, cos2) {
                            continue;
                        }
                        let dist = sqrt(d2);
                        // Accepted neighbour.
                        let nb = info[m];
                        var inv = 0.0;
                        if dist > 1e-6 {
                            inv = 1.0 / dist;
                        }
                        if dist < u.personal_space {
                            let w = (1.0 - dist / u.personal_space) * inv;
                            sep = sep - d * w;
                        }
                        if (nb.diet_tribe & 0xffffu) == me_tribe {
                            ali = ali + nb.vel;
                            coh = coh + d;
                            same = same + 1u;
                        } else {
                            if flees && gene_value(GENE_DIET, nb.diet_tribe >> 16u) > u.hunt_diet {
                                let w = max(1.0 - dist / vision, 0.0) * inv;
                                flee_v = flee_v - d * w;
                                threats = threats + 1u;
                            }
                            if hunting {
                                let score = (nb.energy + 10.0) / (dist + 5.0);
                                if !has_prey || score > prey_score {
                                    has_prey = true;
                                    prey_score = score;
                                    prey_slot = sorted[m];
                                    prey_d = d;
                                    prey_dist = dist;
                                }
                            }
                        }
                        accepted = accepted + 1u;
                        if accepted >= u.max_neighbors {
                            done = true;
                            break;
                        }
                    }
                }
                if full_row || k == 0 {
                    dx = dx + 1;
                } else {
                    dx = dx + 2 * k;
                }
            }
        }
    }

    var acc = sep * u.separation;
    if same > 0u {
        let nf = f32(same);
        let wa = u.alignment * cohesion_gene;
        let wc = u.cohesion * cohesion_gene;
        acc = acc + (ali / nf - my_vel) * wa + coh / nf * wc;
    }
    var mode = MODE_WANDER;
    var intent = NONE;
    let r = rng4(vec2<u32>(u.seed_lo, u.seed_hi), u.tick, me_id, STREAM_STEER);
    if threats > 0u {
        let l = sqrt(flee_v.x * flee_v.x + flee_v.y * flee_v.y);
        if l > 1e-6 {
            acc = acc + flee_v / l * u.flee;
        }
        mode = MODE_FLEE;
    } else if has_prey {
        if prey_dist > 1e-6 {
            acc = acc + prey_d / prey_dist * u.hunt;
        }
        mode = MODE_HUNT;
        let roll = u.fight_probability * gene(g, GENE_AGGRESSION) * u.dt;
        if prey_dist <= u.reach && rng_unit(r.y) < roll {
            intent = prey_slot;
        }
    } else if diet < u.graze_diet && me.energy < u.energy_max {
        // Food seeking: graze where the own cell is good enough, else steer to
        // the best sampled cell above the threshold.
        let threshold = gene(g, GENE_FOOD_STANDARDS) * u.food_capacity;
        let here = food_at(pos);
        if here > threshold && here > 0.0 {
            acc = acc - my_vel * 2.0;
            mode = MODE_GRAZE;
        } else {
            var best = -1.0;
            var best_dir = vec2<f32>(0.0);
            var taken = 0u;
            for (var s = 0u; s < 16u; s = s + 1u) {
                if taken >= u.food_samples {
                    break;
                }
                let smp = FOOD_SAMPLES[s];
                if smp.x < cos_half {
                    continue;
                }
                taken = taken + 1u;
                let dir = vec2<f32>(heading.x * smp.x - heading.y * smp.y, heading.x * smp.y + heading.y * smp.x);
                let dist = vision * smp.z;
                let q = vec2<f32>(wrap_coord(pos.x + dir.x * dist, u.world_w), wrap_coord(pos.y + dir.y * dist, u.world_h));
                let amount = food_at(q);
                if amount > threshold && (best < 0.0 || amount > best) {
                    best = amount;
                    best_dir = dir;
                }
            }
            if best >= 0.0 {
                acc = acc + best_dir * u.food;
                mode = MODE_GRAZE;
            }
        }
    }
    acc = acc + vec2<f32>(rng_unit(r.z) * 2.0 - 1.0, rng_unit(r.w) * 2.0 - 1.0) * u.wander;
    // Terrain look-ahead.
    if !passable(ahead(pos, heading)) {
        let cs = 0.5;
        let sn = 0.8660254;
        let left = vec2<f32>(heading.x * cs - heading.y * sn, heading.x * sn + heading.y * cs);
        let right = vec2<f32>(heading.x * cs + heading.y * sn, -heading.x * sn + heading.y * cs);
        var first = right;
        var second = left;
        if me_id % 2u == 0u {
            first = left;
            second = right;
        }
        if passable(ahead(pos, first)) {
            acc = acc + (first - heading) * u.terrain;
        } else if passable(ahead(pos, second)) {
            acc = acc + (second - heading) * u.terrain;
        } else {
            acc = acc - heading * u.terrain;
        }
    }
    let l = sqrt(acc.x * acc.x + acc.y * acc.y);
    if l > u.max_accel {
        acc = acc * (u.max_accel / l);
    }
    // The acceleration goes to integrate through the slot's velocity (its
    // own is in info: no invocation here reads vel).
    vel[me_slot] = acc;
    steer_out[me_slot] = pack_intent(intent, mode);
}
