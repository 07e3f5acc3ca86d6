// Assess on publish, whole cycles (tests/support/cycles/inspector2/publish.ts, also run by `npm run bench`):
// the real publish, start, analyze and reaper handlers against the stateful fake with EC2's AMI events.
import { describeCycles } from "../../support/cycles/assertCycles";
import { publishScenarios } from "../../support/cycles/inspector2/publish";
import { publishTimedScenarios } from "../../support/cycles/inspector2/publishTimed";

describeCycles("Inspector v2 assess on publish (real handlers, stateful fake AWS, EC2 AMI events)", publishScenarios);
describeCycles("Inspector v2 assess on publish under the modelled timings", publishTimedScenarios);
