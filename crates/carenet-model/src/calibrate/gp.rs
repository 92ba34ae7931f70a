//! A small Gaussian-process emulator: one per target.
//!
//! Inputs are points of the unit cube (the varied keys scaled to `[0, 1]`),
//! outputs are standardised. The mean is linear in the inputs (ridge least
//! squares, so it exists with fewer points than keys); the residual is a
//! zero-mean GP with a squared-exponential kernel with one length per input
//! (ARD) and a nugget for the Monte-Carlo noise of a run. The hyperparameters
//! (log lengths, log signal variance, log nugget) maximise the log marginal
//! likelihood by a deterministic compass search (a few hundred evaluations of
//! one Cholesky factorisation each). Predictions give the latent mean and its
//! variance (without the nugget); [`Emulator::loo`] gives the standardised
//! leave-one-out errors in closed form (Rasmussen & Williams 2006, §5.4.2).
//!
//! No linear-algebra crate is needed: the matrices are at most a few hundred
//! rows, and a Cholesky factorisation is thirty lines.

/// A fitted emulator.
#[derive(Debug, Clone)]
pub struct Emulator {
    x: Vec<Vec<f64>>,
    /// Lower Cholesky factor of K (row-major, n × n).
    chol: Vec<f64>,
    /// K⁻¹ (residuals).
    alpha: Vec<f64>,
    beta: Vec<f64>,
    lengths: Vec<f64>,
    signal: f64,
    nugget: f64,
    y_mean: f64,
    y_scale: f64,
    /// Standardised leave-one-out errors.
    loo: Vec<f64>,
}

fn kernel(a: &[f64], b: &[f64], lengths: &[f64], signal: f64) -> f64 {
    let mut s = 0.0;
    for k in 0..a.len() {
        let d = (a[k] - b[k]) / lengths[k];
        s += d * d;
    }
    signal * (-0.5 * s).exp()
}

/// Cholesky factor of the symmetric positive-definite `a` (n × n, row-major),
/// in place; `false` if it is not positive definite.
pub fn cholesky(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
        for k in j + 1..n {
            a[j * n + k] = 0.0;
        }
    }
    true
}

/// Solves L z = b (forward) in place.
fn forward(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// Solves Lᵀ z = b (backward) in place.
fn backward(l: &[f64], n: usize, b: &mut [f64]) {
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

fn gram(x: &[Vec<f64>], lengths: &[f64], signal: f64, nugget: f64) -> Vec<f64> {
    let n = x.len();
    let mut k = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let v = kernel(&x[i], &x[j], lengths, signal);
            k[i * n + j] = v;
            k[j * n + i] = v;
        }
        k[i * n + i] += nugget + 1e-8 * signal;
    }
    k
}

/// Negative log marginal likelihood (up to a constant) and the factor.
fn nll(x: &[Vec<f64>], r: &[f64], lengths: &[f64], signal: f64, nugget: f64) -> Option<(f64, Vec<f64>, Vec<f64>)> {
    let n = x.len();
    let mut l = gram(x, lengths, signal, nugget);
    if !cholesky(&mut l, n) {
        return None;
    }
    let mut a = r.to_vec();
    forward(&l, n, &mut a);
    let fit: f64 = a.iter().map(|v| v * v).sum();
    let logdet: f64 = (0..n).map(|i| l[i * n + i].ln()).sum();
    backward(&l, n, &mut a);
    Some((0.5 * fit + logdet, l, a))
}

/// Ridge least squares of `y` on `[1, x - 0.5]` (slopes penalised by `lambda`).
fn linear_mean(x: &[Vec<f64>], y: &[f64], lambda: f64) -> Vec<f64> {
    let d = x.first().map_or(0, |p| p.len()) + 1;
    let row = |p: &[f64]| -> Vec<f64> { std::iter::once(1.0).chain(p.iter().map(|v| v - 0.5)).collect() };
    let mut a = vec![0.0; d * d];
    let mut b = vec![0.0; d];
    for (p, &v) in x.iter().zip(y) {
        let r = row(p);
        for i in 0..d {
            b[i] += r[i] * v;
            for j in 0..d {
                a[i * d + j] += r[i] * r[j];
            }
        }
    }
    for i in 1..d {
        a[i * d + i] += lambda;
    }
    a[0] += 1e-9;
    if !cholesky(&mut a, d) {
        let mut beta = vec![0.0; d];
        beta[0] = y.iter().sum::<f64>() / y.len().max(1) as f64;
        return beta;
    }
    forward(&a, d, &mut b);
    backward(&a, d, &mut b);
    b
}

fn dot_mean(beta: &[f64], p: &[f64]) -> f64 {
    beta[0] + p.iter().zip(&beta[1..]).map(|(v, b)| (v - 0.5) * b).sum::<f64>()
}

const LOG_LENGTH: [f64; 2] = [-3.0, 2.3]; // 0.05 … 10
const LOG_SIGNAL: [f64; 2] = [-9.2, 2.3]; // 1e-4 … 10
const LOG_NUGGET: [f64; 2] = [-13.8, 0.7]; // 1e-6 … 2

impl Emulator {
    /// Fits an emulator to outputs `y` at points `x` (of the unit cube); at
    /// most `evals` likelihood evaluations.
    pub fn fit(x: &[Vec<f64>], y: &[f64], evals: usize) -> Emulator {
        let n = x.len();
        let d = x.first().map_or(0, |p| p.len());
        let finite: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
        let y_mean = finite.iter().sum::<f64>() / finite.len().max(1) as f64;
        let var = finite.iter().map(|v| (v - y_mean).powi(2)).sum::<f64>() / (finite.len().max(2) - 1) as f64;
        let y_scale = if var.sqrt() > 1e-12 { var.sqrt() } else { 1.0 };
        // A run with no value (an empty group) counts as the mean: it informs nothing.
        let ys: Vec<f64> = y.iter().map(|v| if v.is_finite() { (v - y_mean) / y_scale } else { 0.0 }).collect();
        let beta = linear_mean(x, &ys, 0.1);
        let r: Vec<f64> = x.iter().zip(&ys).map(|(p, v)| v - dot_mean(&beta, p)).collect();
        let rvar = (r.iter().map(|v| v * v).sum::<f64>() / n.max(1) as f64).max(1e-4);
        // θ = [log lengths…, log signal, log nugget]
        let mut theta: Vec<f64> = vec![(0.5f64).ln(); d];
        theta.push(rvar.ln().clamp(LOG_SIGNAL[0], LOG_SIGNAL[1]));
        theta.push((0.1 * rvar).ln().clamp(LOG_NUGGET[0], LOG_NUGGET[1]));
        let bounds = |i: usize| {
            if i < d {
                LOG_LENGTH
            } else if i == d {
                LOG_SIGNAL
            } else {
                LOG_NUGGET
            }
        };
        let unpack = |t: &[f64]| -> (Vec<f64>, f64, f64) {
            (t[..d].iter().map(|v| v.exp()).collect(), t[d].exp(), t[d + 1].exp())
        };
        let score = |t: &[f64]| -> f64 {
            let (l, s, g) = unpack(t);
            nll(x, &r, &l, s, g).map_or(f64::INFINITY, |v| v.0)
        };
        let mut best = score(&theta);
        let mut step = 1.0;
        let mut used = 1;
        while step > 0.02 && used < evals {
            let mut improved = false;
            for i in 0..theta.len() {
                for sign in [1.0, -1.0] {
                    if used >= evals {
                        break;
                    }
                    let [lo, hi] = bounds(i);
                    let mut t = theta.clone();
                    t[i] = (t[i] + sign * step).clamp(lo, hi);
                    if t[i] == theta[i] {
                        continue;
                    }
                    used += 1;
                    let v = score(&t);
                    if v < best {
                        best = v;
                        theta = t;
                        improved = true;
                        break;
                    }
                }
            }
            if !improved {
                step *= 0.5;
            }
        }
        let (lengths, signal, mut nugget) = unpack(&theta);
        let (l, alpha) = loop {
            if let Some((_, l, a)) = nll(x, &r, &lengths, signal, nugget) {
                break (l, a);
            }
            nugget = nugget * 10.0 + 1e-6;
        };
        // K⁻¹ diagonal for the leave-one-out errors: column by column.
        let mut loo = Vec::with_capacity(n);
        let mut col = vec![0.0; n];
        for i in 0..n {
            col.iter_mut().for_each(|v| *v = 0.0);
            col[i] = 1.0;
            forward(&l, n, &mut col);
            let kii: f64 = col.iter().map(|v| v * v).sum();
            loo.push(alpha[i] / kii.sqrt());
        }
        Emulator { x: x.to_vec(), chol: l, alpha, beta, lengths, signal, nugget, y_mean, y_scale, loo }
    }

    /// The emulated mean and its variance (without the nugget) at `p`;
    /// `scratch` is reused between calls.
    pub fn predict(&self, p: &[f64], scratch: &mut Vec<f64>) -> (f64, f64) {
        let n = self.x.len();
        scratch.clear();
        scratch.extend(self.x.iter().map(|q| kernel(p, q, &self.lengths, self.signal)));
        let mut m = dot_mean(&self.beta, p);
        for i in 0..n {
            m += scratch[i] * self.alpha[i];
        }
        forward(&self.chol, n, scratch);
        let v = (self.signal - scratch.iter().map(|v| v * v).sum::<f64>()).max(0.0);
        (m * self.y_scale + self.y_mean, v * self.y_scale * self.y_scale)
    }

    /// Standardised leave-one-out errors (observed minus predicted over the
    /// predictive SD of a run), one per training point.
    pub fn loo(&self) -> &[f64] {
        &self.loo
    }

    /// Length scales (unit cube), signal and nugget variances (standardised).
    pub fn hyperparameters(&self) -> (&[f64], f64, f64) {
        (&self.lengths, self.signal, self.nugget)
    }
}
