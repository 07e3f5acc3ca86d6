// The hub's account as the spokes see it: a FakeAws world whose S3 bucket is the hub's, reached
// from other accounts' worlds by bucket name, and a bucket policy that decides every such call.
// Accounts are told apart by the credentials of the assumed role: FakeAccounts hands out
// credentials for a role (STS AssumeRole returns AccessKeyId, SecretAccessKey, SessionToken; API
// reference) and selects the account's state for a region by them.
//
// What S3 does with a request from another account (S3 user guide, "How Amazon S3 authorizes a
// request for an object operation"): the caller's own account must allow it (its identity
// policy) AND the bucket owner must (the bucket policy); an explicit Deny in either wins. Within
// the bucket owner's account either one suffices. Both are evaluated by the IAM policy simulator
// (@cloud-copilot/iam-simulate) against the real documents. With BucketOwnerEnforced the bucket
// owner owns what a spoke writes and ACLs play no part (S3 user guide, "Controlling ownership of
// objects and disabling ACLs"). A denied call answers AccessDenied, HTTP 403 (S3 API reference, Error responses).
import { createHash } from "crypto";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../infra/policies";
import type { ResourcePolicyDocument } from "../../infra/hubPolicies";
import { FakeAws, s3Error } from "./fakeAws";

export interface FakePrincipal {
    account: string;
    roleArn: string;
    identityPolicy: PolicyDocument;
}

export interface FakeCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
}

const S3_ACTIONS: Record<string, string> = { PutObject: "s3:PutObject", GetObject: "s3:GetObject", DeleteObject: "s3:DeleteObject", ListObjectsV2: "s3:ListBucket" };

export class FakeHubBucket {
    /** Every cross-account call, with the decision. */
    readonly decisions: { roleArn: string; action: string; resource: string; decision: string }[] = [];

    constructor(
        readonly world: FakeAws,
        readonly bucket: string,
        readonly account: string,
        public policy: ResourcePolicyDocument,
    ) {}

    async authorize(principal: FakePrincipal, command: string, input: any): Promise<void> {
        const action = S3_ACTIONS[command];
        const resource = command === "ListObjectsV2" ? `arn:aws:s3:::${this.bucket}` : `arn:aws:s3:::${this.bucket}/${input.Key}`;
        const result = await runSimulation(
            {
                request: {
                    principal: principal.roleArn,
                    action,
                    resource: { resource, accountId: this.account },
                    contextVariables: { "aws:PrincipalArn": principal.roleArn, "aws:PrincipalAccount": principal.account, "aws:SecureTransport": "true", ...(input.Prefix !== undefined ? { "s3:prefix": input.Prefix } : {}) },
                },
                identityPolicies: [{ name: "role", policy: principal.identityPolicy }],
                resourcePolicy: this.policy,
                serviceControlPolicies: [],
                resourceControlPolicies: [],
            },
            {},
        );
        const decision = result.resultType === "single" ? result.overallResult : "error";
        this.decisions.push({ roleArn: principal.roleArn, action, resource, decision });
        if (decision !== "Allowed") throw s3Error("AccessDenied", 403, "Access Denied");
    }
}

/** The accounts of a test: each session's credentials select its account's worlds, one per region. */
export class FakeAccounts {
    private readonly sessions = new Map<string, FakePrincipal>();
    private readonly worlds = new Map<string, FakeAws>();

    constructor(readonly hub: FakeHubBucket) {}

    /** STS AssumeRole for `principal`: fresh credentials that name its session. */
    assumeRole(principal: FakePrincipal): FakeCredentials {
        const accessKeyId = `ASIA${createHash("sha1").update(`${principal.roleArn}#${this.sessions.size}`).digest("hex").slice(0, 16).toUpperCase()}`;
        this.sessions.set(accessKeyId, principal);
        return { accessKeyId, secretAccessKey: "fake", sessionToken: "fake" };
    }

    /**
     * The state of the credentials' account in `region` (created by `create` on first use). Its S3
     * client reaches the hub's bucket as the session's role, decided by the hub's bucket policy.
     */
    world(credentials: FakeCredentials, region: string, create: () => FakeAws): FakeAws {
        const principal = this.sessions.get(credentials.accessKeyId);
        if (!principal) throw s3Error("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
        const id = `${principal.account}/${region}`;
        let world = this.worlds.get(id);
        if (!world) {
            world = create();
            this.worlds.set(id, world);
        }
        if (principal.account !== this.hub.account || world !== this.hub.world) {
            world.foreignBuckets.set(this.hub.bucket, async (command, input) => {
                await this.hub.authorize(principal, command, input);
                // Authorized: the hub's own S3 (its fault injection and call log) carries it out.
                return (this.hub.world.s3 as any).send(new (commandClass(command))(input));
            });
        }
        return world;
    }
}

function commandClass(command: string): any {
    return { PutObject: PutObjectCommand, GetObject: GetObjectCommand, DeleteObject: DeleteObjectCommand, ListObjectsV2: ListObjectsV2Command }[command];
}
