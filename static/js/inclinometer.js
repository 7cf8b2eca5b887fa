// The phone as an inclinometer: pure math over motion-sensor readings, no DOM.
//
// The phone lies on the shin, screen up, top toward the foot, so raising the leg
// raises the phone's long (y) axis. With the phone still, DeviceMotion's
// accelerationIncludingGravity is the reaction to gravity in the phone's frame:
// x to the right of the screen, y to its top, z out of the screen, |a| = g.
// The elevation of the long axis above the horizontal is asin(a_y / |a|), whatever
// the roll about that axis (a rounded shin tips the phone sideways).
// DeviceOrientation's beta is the same elevation (rotation about x first, then the
// roll about the phone's own y axis leaves y where it is), used where motion is missing.

export const G = 9.80665;

const DEG = 180 / Math.PI;

/** Tunables; the defaults are what the measuring view uses. */
export const DEFAULTS = Object.freeze({
  // Low-pass filter time constant (ms): a quarter second settles a raise in under a
  // second and keeps hand tremor and sensor noise below the 0.5° display step.
  timeConstantMs: 250,
  // A reading whose |a| is this far from g (m/s²) is a movement, not gravity.
  movementTolerance: 1.2,
  // The shown half degree moves only when the filtered angle is this far from it
  // (more than the 0.25° rounding alone, so noise at a boundary does not flicker).
  deadbandDeg: 0.45,
  // Steady: the filtered angle stayed within this range (max - min) for holdMs.
  steadyRangeDeg: 2,
  holdMs: 2000,
  // Motion readings newer than this make orientation (beta) readings redundant.
  motionFreshMs: 1000,
});

/** Round to the nearest half degree (the log's step); never "-0". */
export function roundHalf(degrees) {
  const r = Math.round(degrees * 2) / 2;
  return r === 0 ? 0 : r;
}

/** Elevation (degrees) of the phone's long axis from a gravity vector, or null when
 * the vector is missing or zero. atan2(y, hypot(x, z)) is asin(y / |a|) without its
 * loss of precision near ±90°. */
export function elevationFromVector(a) {
  if (!a) return null;
  const { x, y, z } = a;
  if (![x, y, z].every(Number.isFinite)) return null;
  const horizontal = Math.hypot(x, z);
  if (horizontal === 0 && y === 0) return null;
  return Math.atan2(y, horizontal) * DEG;
}

/** Elevation (degrees) from DeviceOrientation's beta ([-180, 180)): past upright
 * (screen facing away) the long axis comes down again. */
export function elevationFromBeta(beta) {
  if (!Number.isFinite(beta)) return null;
  if (beta > 90) return 180 - beta;
  if (beta < -90) return -180 - beta;
  return beta;
}

/** Whether |a| is close enough to g for the reading to be gravity alone. */
export function isStill(a, tolerance = DEFAULTS.movementTolerance) {
  return Math.abs(Math.hypot(a.x, a.y, a.z) - G) <= tolerance;
}

/** A gravity vector (m/s²) for an elevation and a roll, both in degrees: what a
 * still phone reads. Used to turn beta into the same filter input, and by tests. */
export function gravityVector(elevationDeg, rollDeg = 0) {
  const e = elevationDeg / DEG;
  const r = rollDeg / DEG;
  return { x: G * Math.cos(e) * Math.sin(r), y: G * Math.sin(e), z: G * Math.cos(e) * Math.cos(r) };
}

function spread(window) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, value] of window) {
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
  }
  return hi - lo;
}

/**
 * Turns a stream of readings into a smoothed, zeroed angle and the highest angle
 * held steady. Feed it `motion(a, t)` / `orientation(beta, t)` with timestamps in
 * milliseconds, read `reading()`.
 */
export class Inclinometer {
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.zero = 0;
    this.filtered = null; // smoothed gravity vector
    this.lastT = null;
    this.lastMotionT = -Infinity;
    this.source = null; // "motion" | "orientation"
    this.moving = false;
    this.shown = null; // the number on screen, in half degrees
    this.window = []; // [t, angle] over the last holdMs
    this.best = null;
    this.samples = 0;
    this.rejected = 0;
  }

  /** A DeviceMotion accelerationIncludingGravity reading {x, y, z} at time t (ms). */
  motion(a, t) {
    if (!a || ![a.x, a.y, a.z].every(Number.isFinite)) return false;
    this.lastMotionT = t;
    if (!isStill(a, this.options.movementTolerance)) {
      // A jolt or a swing: not gravity, and whatever was being held is no longer held.
      this.moving = true;
      this.rejected += 1;
      this.window = [];
      return false;
    }
    this.moving = false;
    this.source = "motion";
    this.#feed(a, t);
    return true;
  }

  /** A DeviceOrientation beta (degrees) at time t (ms); ignored while motion flows. */
  orientation(beta, t) {
    const elevation = elevationFromBeta(beta);
    if (elevation === null || t - this.lastMotionT < this.options.motionFreshMs) return false;
    this.moving = false;
    this.source = "orientation";
    this.#feed(gravityVector(elevation), t);
    return true;
  }

  #feed(a, t) {
    this.samples += 1;
    if (this.filtered === null || this.lastT === null || t < this.lastT) {
      this.filtered = { ...a };
    } else {
      // Exponential smoothing with a time constant, so uneven event rates filter alike.
      const k = 1 - Math.exp(-(t - this.lastT) / this.options.timeConstantMs);
      for (const axis of ["x", "y", "z"]) this.filtered[axis] += k * (a[axis] - this.filtered[axis]);
    }
    this.lastT = t;
    const angle = this.angle();
    // Hysteresis: the shown half degree changes only once the angle is well past it.
    if (this.shown === null || Math.abs(angle - this.shown) > this.options.deadbandDeg) this.shown = roundHalf(angle);
    this.#track(angle, t);
  }

  #track(angle, t) {
    const { holdMs, steadyRangeDeg } = this.options;
    const w = this.window;
    w.push([t, angle]);
    // Keep the latest stretch of readings that stays within the steady range, and no
    // more than holdMs of it (plus the reading that starts it).
    while (w.length > 1 && t - w[1][0] >= holdMs) w.shift();
    while (w.length > 1 && spread(w) > steadyRangeDeg) w.shift();
    const held = this.heldAngle();
    if (held !== null && (this.best === null || held > this.best)) this.best = held;
  }

  /** The smoothed elevation minus the zero, in degrees (null before any reading). */
  angle() {
    const elevation = elevationFromVector(this.filtered);
    return elevation === null ? null : elevation - this.zero;
  }

  /** The angle held over the last holdMs when it stayed within steadyRangeDeg, else
   * null: the median, so the tail of the filter settling from above or below (and
   * noise) does not pull it. */
  heldAngle() {
    const w = this.window;
    if (w.length < 2 || w[w.length - 1][0] - w[0][0] < this.options.holdMs) return null;
    const values = w.map(([, value]) => value).sort((a, b) => a - b);
    const mid = values.length >> 1;
    return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  /** Take the current elevation as 0° (the leg resting); forgets the best hold. */
  setZero() {
    const elevation = elevationFromVector(this.filtered);
    if (elevation === null) return false;
    this.zero = elevation;
    this.shown = 0;
    this.window = [];
    this.best = null;
    return true;
  }

  /** What the view shows: `display` is in half degrees and moves only past the deadband. */
  reading() {
    const angle = this.angle();
    return {
      angle,
      display: this.shown,
      steady: this.heldAngle() !== null,
      moving: this.moving,
      best: this.best === null ? null : roundHalf(this.best),
      source: this.source,
    };
  }

  /** The angle "Use this angle" records: the best steady hold, else the current
   * angle, rounded to 0.5° and kept within the log's 0–120° range; null before any reading. */
  result() {
    const value = this.best ?? this.angle();
    if (value === null) return null;
    return roundHalf(Math.min(120, Math.max(0, value)));
  }
}
