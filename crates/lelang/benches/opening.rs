//! Benchmark of opening sealed bids (issue 5): a key ceremony among N members with threshold K,
//! BIDS bids of MIB MiB each sealed by the stock `age` CLI to the tender's recipient (and, so that
//! the very same files serve the baseline, to an ordinary age identity too). Measured in one run:
//!
//! - the members' side: K members each compute a proven partial for every bid;
//! - the server's side: every proof checked, K partials combined per bid, every bid decrypted to a
//!   file and hashed (what the opening does before its minutes);
//! - the baseline: `age -d -i identity -o file` on the same files, one after another.
//!
//! `cargo bench -p lelang --bench opening -- [BIDS] [MIB] [K] [N]` (defaults 200, 5, 3, 5).

use curve25519_dalek::Scalar;
use lelang_trust::seal;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| a.parse().ok())
        .collect();
    let bids = args.first().copied().unwrap_or(200);
    let mib = args.get(1).copied().unwrap_or(5);
    let k = args.get(2).copied().unwrap_or(3);
    let n = args.get(3).copied().unwrap_or(5);
    let dir = tempfile::tempdir()?;
    println!(
        "opening {bids} bids of {mib} MiB with k = {k} of n = {n}, in {}",
        dir.path().display()
    );

    // The ceremony, every member's side in one process.
    let deals: Vec<seal::Deal> = (0..n)
        .map(|_| seal::deal(k, n, b"bench ceremony"))
        .collect::<Result<_, _>>()?;
    let commitments: Vec<_> = deals
        .iter()
        .map(|d| seal::commitments(&d.commitments, k))
        .collect::<Result<_, _>>()?;
    let key = seal::GroupKey::from_dealings(&commitments, n)?;
    let shares: Vec<Scalar> = (0..n)
        .map(|j| seal::member_share(&deals.iter().map(|d| d.sub_shares[j]).collect::<Vec<_>>()))
        .collect();
    let recipient = key.recipient();
    let ordinary = age::x25519::Identity::generate();
    let id_file = dir.path().join("identity.txt");
    std::fs::write(
        &id_file,
        format!(
            "{}\n",
            age::secrecy::ExposeSecret::expose_secret(&ordinary.to_string())
        ),
    )?;

    // The bids: random bytes sealed by the stock age CLI.
    let t = Instant::now();
    let mut files: Vec<PathBuf> = Vec::with_capacity(bids);
    let mut plain = vec![0u8; mib * 1024 * 1024];
    for i in 0..bids {
        getrandom::fill(&mut plain[..4096]).map_err(|e| e.to_string())?;
        let p = dir.path().join(format!("bid{i}.zip"));
        std::fs::File::create(&p)?.write_all(&plain)?;
        let out = dir.path().join(format!("bid{i}.age"));
        let st = Command::new("age")
            .args(["-r", &recipient, "-r", &ordinary.to_public().to_string(), "-o"])
            .arg(&out)
            .arg(&p)
            .status()?;
        if !st.success() {
            return Err("age -r failed".into());
        }
        std::fs::remove_file(&p)?;
        files.push(out);
    }
    println!("sealed with age in {:.1} s", t.elapsed().as_secs_f64());
    let total_mb = (bids * mib) as f64 * 1.048_576;

    // Baseline: age -d, the same files.
    let t = Instant::now();
    for f in &files {
        let out = f.with_extension("age-plain");
        let st = Command::new("age")
            .args(["-d", "-i"])
            .arg(&id_file)
            .arg("-o")
            .arg(&out)
            .arg(f)
            .status()?;
        if !st.success() {
            return Err("age -d failed".into());
        }
        std::fs::remove_file(&out)?;
    }
    let baseline = t.elapsed().as_secs_f64();

    // Members' side: K members' partials for every bid.
    let t = Instant::now();
    let points: Vec<Vec<[u8; 32]>> = files
        .iter()
        .map(|f| {
            seal::ephemeral_shares(std::io::BufReader::new(std::fs::File::open(f)?))
                .map_err(|e| e.to_string().into())
        })
        .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    let header_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let partials: Vec<Vec<Vec<seal::Partial>>> = (0..k)
        .map(|m| {
            points
                .iter()
                .enumerate()
                .map(|(b, ps)| {
                    // Each bid's proofs are bound to the bid, as the opening's are.
                    let ctx = format!("bid {b}\n");
                    ps.iter()
                        .map(|e| seal::partial(&shares[m], e, ctx.as_bytes()))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    let members_secs = t.elapsed().as_secs_f64();

    // Server's side: verify, combine, decrypt to a file while hashing.
    let t = Instant::now();
    let mut opened = 0;
    let mut buf = vec![0u8; 256 * 1024];
    for (b, f) in files.iter().enumerate() {
        let mut secrets = Vec::new();
        let ctx = format!("bid {b}\n");
        for (p, e) in points[b].iter().enumerate() {
            let ds: Vec<(u32, curve25519_dalek::EdwardsPoint)> = (0..k)
                .map(|m| {
                    seal::verify_partial(&partials[m][b][p], &key.verification[m], e, ctx.as_bytes())
                        .map(|d| (m as u32 + 1, d))
                })
                .collect::<Result<_, _>>()?;
            if let Ok(s) = seal::combine(&ds, k) {
                secrets.push((*e, s));
            }
        }
        let mut r = seal::open(
            std::io::BufReader::new(std::fs::File::open(f)?),
            key.x25519(),
            secrets,
        )?;
        let out = f.with_extension("plain");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
        let mut h = Sha256::new();
        loop {
            let got = r.read(&mut buf)?;
            if got == 0 {
                break;
            }
            h.update(&buf[..got]);
            w.write_all(&buf[..got])?;
        }
        w.flush()?;
        drop(w);
        std::fs::remove_file(&out)?;
        let _ = h.finalize();
        opened += 1;
    }
    let server_secs = t.elapsed().as_secs_f64();
    assert_eq!(opened, bids);
    let ours = header_secs + members_secs + server_secs;
    println!(
        "members' partials ({k} members × {bids} bids, with proofs): {members_secs:.3} s; headers read: {header_secs:.3} s"
    );
    println!(
        "server: proofs checked, partials combined, {bids} bids decrypted and hashed: {server_secs:.2} s = {:.0} MB/s",
        total_mb / server_secs
    );
    println!(
        "whole opening: {ours:.2} s = {:.0} MB/s; age -d on the same files: {baseline:.2} s = {:.0} MB/s; ratio {:.2}× (age time / ours)",
        total_mb / ours,
        total_mb / baseline,
        baseline / ours
    );
    Ok(())
}
