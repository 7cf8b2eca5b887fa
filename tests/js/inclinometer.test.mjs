// static/js/inclinometer.js over synthetic readings (node --test, run by `make test`).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  G, Inclinometer, elevationFromBeta, elevationFromVector, gravityVector, isStill, roundHalf,
} from "../../static/js/inclinometer.js";

const HZ = 60;
const STEP = 1000 / HZ;

// A seeded generator, so a noisy run is the same run every time.
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feed `seconds` of a still phone at an elevation (and roll), with uniform noise of
 * ±noise m/s² on each axis; returns the readings taken after each sample. */
function hold(meter, { elevation, roll = 0, seconds, noise = 0, rng = random(1), start = meter.lastT ?? 0 }) {
  const readings = [];
  const n = Math.round(seconds * HZ);
  for (let i = 1; i <= n; i++) {
    const a = gravityVector(elevation, roll);
    for (const axis of ["x", "y", "z"]) a[axis] += noise * (2 * rng() - 1);
    const t = start + i * STEP;
    meter.motion(a, t);
    readings.push({ t, ...meter.reading() });
  }
  return readings;
}

function near(actual, expected, tolerance, message) {
  assert.ok(Math.abs(actual - expected) <= tolerance,
    `${message ?? "value"}: ${actual} is not within ${tolerance} of ${expected}`);
}

describe("elevation of the phone's long axis", () => {
  for (const angle of [0, 30, 45, 60, 90]) {
    test(`${angle}° flat reading`, () => {
      near(elevationFromVector(gravityVector(angle)), angle, 1e-9);
    });

    test(`${angle}° held still reads ${angle}, steady, and becomes the best`, () => {
      const meter = new Inclinometer();
      const readings = hold(meter, { elevation: angle, seconds: 3 });
      const last = readings.at(-1);
      assert.equal(last.display, angle);
      assert.equal(last.steady, true);
      assert.equal(last.best, angle);
      assert.equal(meter.result(), angle);
      assert.equal(last.source, "motion");
    });
  }

  test("asin(a_y / |a|) is the same quantity", () => {
    const a = gravityVector(37, 12);
    near(elevationFromVector(a), Math.asin(a.y / Math.hypot(a.x, a.y, a.z)) * 180 / Math.PI, 1e-9);
  });

  for (const angle of [0, 30, 45, 60, 90]) {
    test(`rolled 20° sideways on the shin still reads ${angle}°`, () => {
      for (const roll of [20, -20]) {
        near(elevationFromVector(gravityVector(angle, roll)), angle, 1e-9, `roll ${roll}`);
        const meter = new Inclinometer();
        assert.equal(hold(meter, { elevation: angle, roll, seconds: 3 }).at(-1).display, angle);
      }
    });
  }

  test("missing or empty vectors give no angle", () => {
    assert.equal(elevationFromVector(null), null);
    assert.equal(elevationFromVector({ x: 0, y: 0, z: 0 }), null);
    assert.equal(elevationFromVector({ x: null, y: 9.8, z: 0 }), null);
  });
});

describe("noise of ±0.3 m/s² on every axis", () => {
  for (const angle of [0, 30, 45, 60, 90]) {
    test(`${angle}°: the shown number stays within 1° and near the truth`, () => {
      const meter = new Inclinometer();
      const readings = hold(meter, { elevation: angle, seconds: 8, noise: 0.3, rng: random(angle + 7) });
      const settled = readings.filter((r) => r.t >= 2000); // after the filter settles
      const shown = settled.map((r) => r.display);
      const spread = Math.max(...shown) - Math.min(...shown);
      assert.ok(spread <= 1, `display spread ${spread}° at ${angle}°`);
      for (const value of shown) near(value, angle, 1, "display");
      near(meter.result(), angle, 1, "result");
      assert.ok(settled.filter((r) => r.steady).length > settled.length * 0.5, "mostly steady");
    });
  }

  test("noise within the movement tolerance is never taken for a movement", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 45, seconds: 5, noise: 0.3, rng: random(3) });
    assert.equal(meter.rejected, 0);
  });
});

describe("zero", () => {
  test("a zero taken at 5° makes a 50° raise read 45°", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 5, seconds: 2 });
    assert.equal(meter.setZero(), true);
    assert.equal(meter.reading().display, 0);
    assert.equal(meter.reading().best, null, "the best starts again");
    hold(meter, { elevation: 50, seconds: 3 });
    assert.equal(meter.reading().display, 45);
    assert.equal(meter.result(), 45);
  });

  test("below the zero the angle is negative, the result no less than 0", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 10, seconds: 1 });
    meter.setZero();
    hold(meter, { elevation: 4, seconds: 3 });
    assert.equal(meter.reading().display, -6);
    assert.equal(meter.result(), 0);
  });

  test("no zero before a reading", () => {
    assert.equal(new Inclinometer().setZero(), false);
    assert.equal(new Inclinometer().result(), null);
  });
});

describe("movement", () => {
  test("a jolt is ignored and breaks the hold", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 45, seconds: 3 });
    const before = meter.reading();
    // 100 ms of a knock: 2 g along y.
    let t = meter.lastT;
    for (let i = 0; i < 6; i++) {
      t += STEP;
      assert.equal(meter.motion({ x: 0, y: 2 * G, z: 3 }, t), false);
      const during = meter.reading();
      assert.equal(during.moving, true);
      assert.equal(during.display, before.display, "the shown angle does not follow the jolt");
      assert.equal(during.steady, false);
    }
    assert.equal(meter.rejected, 6);
    assert.equal(meter.reading().best, 45, "the best before the jolt stays");
    hold(meter, { elevation: 45, seconds: 0.5 });
    assert.equal(meter.reading().moving, false);
    assert.equal(meter.reading().steady, false, "steady again only after a new 2 s");
    hold(meter, { elevation: 45, seconds: 2 });
    assert.equal(meter.reading().steady, true);
  });

  test("|a| far from g is movement", () => {
    assert.equal(isStill(gravityVector(30)), true);
    assert.equal(isStill({ x: 0, y: 0, z: G + 2 }), false);
    assert.equal(isStill({ x: 0, y: 0, z: G - 2 }), false);
  });

  test("unreadable motion readings are skipped", () => {
    const meter = new Inclinometer();
    assert.equal(meter.motion(null, 0), false);
    assert.equal(meter.motion({ x: null, y: null, z: null }, 10), false);
    assert.equal(meter.reading().angle, null);
  });
});

describe("the highest angle held steady for 2 s", () => {
  test("a higher angle held only 1 s does not count", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 30, seconds: 3 });
    hold(meter, { elevation: 50, seconds: 1 });
    hold(meter, { elevation: 40, seconds: 3 });
    assert.equal(meter.reading().best, 40);
    assert.equal(meter.result(), 40);
  });

  test("the best is kept after lowering the leg", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 0, seconds: 2 });
    meter.setZero();
    hold(meter, { elevation: 62.3, seconds: 3 });
    hold(meter, { elevation: 0, seconds: 3 });
    assert.equal(meter.reading().display, 0);
    assert.equal(meter.result(), 62.5);
  });

  test("nothing held yet: the result is the current angle", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: 33, seconds: 1 });
    assert.equal(meter.reading().best, null);
    assert.equal(meter.result(), 33);
  });

  test("a slow raise is not a hold", () => {
    const meter = new Inclinometer();
    for (let i = 1; i <= 6 * HZ; i++) meter.motion(gravityVector(i / HZ * 10), i * STEP); // 10°/s
    assert.equal(meter.reading().best, null);
  });
});

describe("beta fallback (DeviceOrientation)", () => {
  test("beta is the elevation, also past upright", () => {
    assert.equal(elevationFromBeta(45), 45);
    assert.equal(elevationFromBeta(120), 60);
    assert.equal(elevationFromBeta(-120), -60);
    assert.equal(elevationFromBeta(null), null);
  });

  test("orientation alone measures", () => {
    const meter = new Inclinometer();
    for (let i = 1; i <= 3 * HZ; i++) meter.orientation(0, i * STEP);
    meter.setZero();
    for (let i = 1; i <= 3 * HZ; i++) meter.orientation(45, (3 * HZ + i) * STEP);
    const r = meter.reading();
    assert.equal(r.source, "orientation");
    assert.equal(r.display, 45);
    assert.equal(r.best, 45);
  });

  test("beta is ignored while motion readings flow", () => {
    const meter = new Inclinometer();
    for (let i = 1; i <= 3 * HZ; i++) {
      meter.motion(gravityVector(30), i * STEP);
      assert.equal(meter.orientation(70, i * STEP + 1), false);
    }
    assert.equal(meter.reading().display, 30);
    assert.equal(meter.reading().source, "motion");
  });
});

describe("rounding", () => {
  for (const [value, expected] of [[44.74, 44.5], [44.75, 45], [45.2, 45], [0.2, 0], [-0.2, 0], [119.9, 120]]) {
    test(`${value} → ${expected}`, () => {
      assert.equal(roundHalf(value), expected);
      assert.ok(!Object.is(roundHalf(value), -0));
    });
  }

  test("the result stays within 0–120°", () => {
    const meter = new Inclinometer();
    hold(meter, { elevation: -30, seconds: 1 });
    meter.setZero();
    hold(meter, { elevation: 90, seconds: 3 });
    assert.equal(meter.reading().display, 120);
    assert.equal(meter.result(), 120);
  });
});
