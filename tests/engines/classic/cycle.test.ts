// Whole-cycle tests of the Classic engine: the real start, analyze and reaper handlers against the
// stateful fake of AWS and Inspector Classic (tests/support/fakeInspectorClassic.ts), with the
// scenarios in tests/support/cycles/classic (also run by `npm run bench`).
import { classicScenarios } from "../../support/cycles/classic";
import { describeCycles } from "../../support/cycles/assertCycles";

describeCycles("Inspector Classic whole cycle (real handlers, stateful fake AWS and Inspector Classic)", classicScenarios);
