// A hub and its spokes on the fake: two accounts × two regions of the Inspector v2 engine (the
// real start and analyze), each account's state selected by its analyze role's credentials, and
// the hub account's bucket deciding every spoke's write with the real bucket policy.
import { analyzePolicy } from "../../../engines/inspector2/policies";
import { HubSpokeGrant, hubBucketPolicy } from "../../../infra/hubPolicies";
import { HUB_KEYS, HubDeps } from "../../../pipeline/hub/hubHandlers";
import type { ExpectedSpoke } from "../../../pipeline/hub/hubIndex";
import { spokePrefix } from "../../../pipeline/hub/summary";
import { FakeAws } from "../fakeAws";
import { FakeAccounts, FakeHubBucket, FakePrincipal } from "../fakeHub";
import { START, V2World, newV2World, scanAll, start, sweepUntilReported, MINUTE } from "./inspector2/world";

export const HUB_ACCOUNT = "999900001111";
export const ACCOUNTS = ["222200001111", "333300001111"];
export const REGIONS = ["us-east-1", "eu-west-1"];
export const HUB_BUCKET = "gaa-dev-hub-reports-0001";
export const HUB_TOPIC = `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:gaa-dev-hub-results`;
export const WEEK_SECONDS = 7 * 86400;
export const DAY = 24 * 60 * MINUTE;

export const analyzeRoleArn = (account: string, region: string) => `arn:aws:iam::${account}:role/gaa-dev-${region}-analyze-role-0a1b2c3`;

export interface Spoke {
    account: string;
    region: string;
    world: V2World;
    principal: FakePrincipal;
}

export interface HubWorld {
    hub: FakeHubBucket;
    accounts: FakeAccounts;
    spokes: Spoke[];
    deps: HubDeps;
    spoke: (account: string, region: string) => Spoke;
    /** Every world's clock moves together. */
    advance: (ms: number) => void;
}

/** The spoke's analyze role's policy, as the component builds it (with its hub grant). */
export function spokeIdentityPolicy(account: string, region: string) {
    const scope = {
        partition: "aws",
        region,
        accountId: account,
        pipelineName: `gaa-dev-${region}`,
        resultsTopicArn: `arn:aws:sns:${region}:${account}:results`,
        bucketArn: `arn:aws:s3:::gaa-dev-${region}-${account}-reports`,
        reportPrefix: "reports/",
        logGroupArn: `arn:aws:logs:${region}:${account}:log-group:/golden-ami-assessment/gaa-dev-${region}-analyze`,
        failedInvocationsQueueArn: `arn:aws:sqs:${region}:${account}:failed`,
        hub: { bucket: HUB_BUCKET, prefix: spokePrefix(account, region) },
    };
    return analyzePolicy(scope, { scanMode: "instance", rulesPackages: ["cve"] });
}

export function newHubWorld(options: { perRunEmails?: boolean } = {}): HubWorld {
    const grants: HubSpokeGrant[] = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ region, analyzeRoleArn: analyzeRoleArn(account, region) })));
    const hubAws = new FakeAws(START);
    const hub = new FakeHubBucket(hubAws, HUB_BUCKET, HUB_ACCOUNT, hubBucketPolicy("aws", HUB_BUCKET, grants));
    const accounts = new FakeAccounts(hub);
    const spokes: Spoke[] = [];
    for (const account of ACCOUNTS) {
        for (const region of REGIONS) {
            const principal: FakePrincipal = { account, roleArn: analyzeRoleArn(account, region), identityPolicy: spokeIdentityPolicy(account, region) };
            const world = newV2World({ pipelineName: `gaa-dev-${region}`, reportBucket: `gaa-dev-${region}-${account}-reports` });
            world.settings = { ...world.settings, accountId: account } as typeof world.settings;
            world.region = region;
            world.hub = { bucket: HUB_BUCKET, prefix: spokePrefix(account, region), perRunEmails: options.perRunEmails ?? false };
            // The analyze Lambda's credentials select its account's state in its region.
            const selected = accounts.world(accounts.assumeRole(principal), region, () => world.aws);
            if (selected !== world.aws) throw new Error("fake: credentials selected another account's world");
            spokes.push({ account, region, world, principal });
        }
    }
    // What the stack writes (hub/spokes.json): the spokes it created and their schedules.
    const expected: ExpectedSpoke[] = spokes.map((s) => ({ account: s.account, region: s.region, engine: "inspector2", scheduleSeconds: WEEK_SECONDS }));
    hubAws.objects.set(HUB_KEYS.spokes, { body: JSON.stringify({ spokes: expected }), etag: '"spokes"', lastModified: START });
    const deps: HubDeps = { s3: hubAws.s3, sns: hubAws.sns, settings: { hubBucket: HUB_BUCKET, resultsTopicArn: HUB_TOPIC, region: "us-east-1" }, now: hubAws.now };
    const spoke = (account: string, region: string) => spokes.find((s) => s.account === account && s.region === region)!;
    const advance = (ms: number) => {
        hubAws.advance(ms);
        for (const s of spokes) s.world.aws.advance(ms);
    };
    return { hub, accounts, spokes, deps, spoke, advance };
}

/** One whole run of a spoke: start, every instance scanned, swept until reported (and its summary sent). */
export async function runSpoke(spoke: Spoke): Promise<string> {
    const w = spoke.world;
    const { runId } = await start(w);
    if (!runId) throw new Error("no run started");
    w.aws.advance(10 * MINUTE);
    scanAll(w);
    await sweepUntilReported(w, runId);
    return runId;
}
