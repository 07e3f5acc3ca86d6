// The contract between the component and an engine: what the component hands every engine, and
// the two handlers (start and analyze) plus the wiring each engine gives back.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RulesPackageName } from "../pipeline/run/rulesPackages";
import type { RuntimeSettings } from "../pipeline/run/settings";
import type { ScanMode } from "../pipeline/run/settings";
import type { AssessmentNetwork } from "./network";
import type { Partition } from "./partition";
import type { PolicyDocument, PolicyScope } from "./policies";
import type { Reporting } from "./reporting";
import type { AcceptedRisk, FailWhen } from "../pipeline/verdict/policy";

export interface EngineInputs {
    name: string;
    region: string;
    partition: Partition;
    accountId: pulumi.Output<string>;
    rulesPackages: pulumi.Output<RulesPackageName[]>;
    durationSeconds: pulumi.Output<number>;
    /** The start schedule (validated). */
    schedule: pulumi.Output<string>;
    /** The shortest time between two scheduled starts, where it can be told (not for irregular crons). */
    scheduleIntervalSeconds: pulumi.Output<number | undefined>;
    scanMode: ScanMode;
    enableInspector: boolean;
    /** Assess on publish (v2): the AMI rule(s) and the publish function; assessOnTag adds the CloudTrail CreateTags rule. */
    assessOnPublish: boolean;
    assessOnTag: boolean;
    /** The settings every engine's handlers share. */
    shared: pulumi.Output<RuntimeSettings>;
    network: AssessmentNetwork;
    report: Reporting;
    /** The plain values a handler's policy is scoped by, given its log group. */
    policyScope: (logGroupArn: pulumi.Output<string>) => pulumi.Output<PolicyScope>;
    /** Validated at preview; Inspector v2 only (refused with Classic). */
    verdictPolicy: { acceptedRisks: AcceptedRisk[]; failWhen?: FailWhen; securityHub: boolean };
    parent: pulumi.Resource;
}

export interface EngineHandler {
    description: string;
    callbackFactory: () => (event: any, context?: any) => Promise<unknown>;
    environment: pulumi.Output<Record<string, string>>;
    policy: (logGroupArn: pulumi.Output<string>) => pulumi.Output<PolicyDocument>;
    timeoutSeconds: number;
    memorySizeMb: number;
    /** Async retries: 0 where a retry could double the work (launching instances). */
    maximumRetryAttempts: number;
}

/** A handler beyond start and analyze, named `<component>-<role>`. */
export interface ExtraHandler {
    role: string;
    handler: EngineHandler;
    /** Whether it launches instances: then the destroy guard drains only after it is gone. */
    launches: boolean;
    /** Its rules and schedules; `dependsOn` holds the destroy guard, so they go before the drain. */
    connect: (func: aws.lambda.Function, dependsOn: pulumi.Resource[]) => void;
}

export interface Engine {
    start: EngineHandler;
    analyze: EngineHandler;
    /** Whatever invokes analyze besides nothing: a completion topic, event rules, a sweep schedule. */
    connect: (analyze: aws.lambda.Function) => void;
    /** More handlers (v2: publish), each created by the component and wired by its connect (after the destroy guard). */
    extraHandlers?: ExtraHandler[];
    /** What launched instances use (e.g. the instance profile): deleted only after they are terminated. */
    launchDependencies: pulumi.Resource[];
    /** Engine resources worth exporting, by name (e.g. templateArn, scanEventRuleArn). */
    outputs: Record<string, pulumi.Output<string>>;
}

/** Only the keys a handler reads, as environment variables, through the engine's own spec. */
export function pickEnvironment<S>(all: pulumi.Output<S>, keys: ReadonlyArray<keyof S>, toEnv: (settings: Partial<S>) => Record<string, string>) {
    return all.apply((values) => toEnv(Object.fromEntries(keys.map((k) => [k, values[k]])) as Partial<S>));
}
