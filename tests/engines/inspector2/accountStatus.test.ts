import { BatchGetAccountStatusCommand, GetConfigurationCommand } from "@aws-sdk/client-inspector2";
import { expect } from "chai";
import { describeAccountStatus, ec2ScanningStatus, howToEnable } from "../../../engines/inspector2/accountStatus";
import { ACCOUNT, REGION, inspector2Error, setupInspector2 } from "./support";

function accountState(ec2Status: string, accountStatus = ec2Status, extra: { errorCode?: string; errorMessage?: string } = {}) {
    const state = (status: string) => ({ status, errorCode: undefined, errorMessage: undefined }) as any;
    return {
        accounts: [
            {
                accountId: ACCOUNT,
                state: state(accountStatus),
                resourceState: { ec2: { ...state(ec2Status), ...extra }, ecr: state("DISABLED") },
            },
        ],
    } as any;
}

describe("howToEnable", () => {
    it("names the console, the CLI with the region and the component opt-in", () => {
        const text = howToEnable("eu-west-1");
        expect(text).to.include("aws inspector2 enable --resource-types EC2 --region eu-west-1");
        expect(text).to.include("enableInspector: true");
        expect(text).to.include("Amazon Inspector > Settings");
    });
});

describe("describeAccountStatus", () => {
    it("is enabled when the EC2 resource state is ENABLED", () => {
        expect(describeAccountStatus(accountState("ENABLED"), REGION)).to.deep.equal({ enabled: true });
    });

    it("is not enabled when EC2 is DISABLED although ECR/account are on, and says how to enable", () => {
        const result = describeAccountStatus(accountState("DISABLED", "ENABLED"), REGION);
        expect(result.enabled).to.equal(false);
        if (result.enabled) return;
        expect(result.status).to.equal("DISABLED");
        expect(result.reason).to.include("EC2 scanning is DISABLED").and.include(ACCOUNT);
        expect(result.howToEnable).to.include(`--region ${REGION}`);
    });

    it("reports a suspended account even if EC2 still reads ENABLED", () => {
        const result = describeAccountStatus(accountState("ENABLED", "SUSPENDED"), REGION);
        expect(result).to.deep.include({ enabled: false, status: "SUSPENDED" });
        if (!result.enabled) expect(result.reason).to.include("account Inspector status SUSPENDED");
    });

    it("carries the EC2 errorCode and errorMessage into the reason", () => {
        const result = describeAccountStatus(accountState("ENABLING", "ENABLING", { errorCode: "SSM_UNAVAILABLE", errorMessage: "SSM is unavailable" }));
        expect(result).to.deep.include({ enabled: false, status: "ENABLING" });
        if (!result.enabled) {
            expect(result.reason).to.include("SSM_UNAVAILABLE").and.include("SSM is unavailable");
            expect(result.howToEnable).to.include("--region <region>");
        }
    });

    it("reads failedAccounts when no account state came back", () => {
        const result = describeAccountStatus({ accounts: [], failedAccounts: [{ accountId: ACCOUNT, errorCode: "ACCESS_DENIED", errorMessage: "nope", status: "DISABLED" }] } as any);
        expect(result).to.deep.include({ enabled: false, status: "DISABLED" });
        if (!result.enabled) expect(result.reason).to.include("ACCESS_DENIED").and.include("nope");
    });

    it("is not enabled for an empty answer", () => {
        expect(describeAccountStatus({ accounts: undefined } as any)).to.deep.include({ enabled: false, status: "UNKNOWN" });
    });
});

describe("ec2ScanningStatus", () => {
    it("asks for the own account (no accountIds) and adds the scan mode", async () => {
        const { client, mock } = setupInspector2();
        mock.on(BatchGetAccountStatusCommand).resolves(accountState("ENABLED"));
        mock.on(GetConfigurationCommand).resolves({ ec2Configuration: { scanModeState: { scanMode: "EC2_HYBRID", scanModeStatus: "SUCCESS" } } });
        expect(await ec2ScanningStatus(client, REGION)).to.deep.equal({ enabled: true, scanMode: "EC2_HYBRID" });
        expect(mock.commandCalls(BatchGetAccountStatusCommand)[0].args[0].input).to.deep.equal({});
    });

    it("stays enabled when GetConfiguration fails", async () => {
        const { client, mock } = setupInspector2();
        mock.on(BatchGetAccountStatusCommand).resolves(accountState("ENABLED"));
        mock.on(GetConfigurationCommand).rejects(inspector2Error("AccessDeniedException", "no GetConfiguration", 403));
        expect(await ec2ScanningStatus(client, REGION)).to.deep.equal({ enabled: true });
    });

    it("does not call GetConfiguration for a disabled account", async () => {
        const { client, mock } = setupInspector2();
        mock.on(BatchGetAccountStatusCommand).resolves(accountState("DISABLED"));
        const result = await ec2ScanningStatus(client, REGION);
        expect(result.enabled).to.equal(false);
        expect(mock.commandCalls(GetConfigurationCommand)).to.have.length(0);
    });

    it("turns AccessDenied into not enabled naming the missing permission", async () => {
        const { client, mock } = setupInspector2();
        mock.on(BatchGetAccountStatusCommand).rejects(inspector2Error("AccessDeniedException", "User is not authorized", 403));
        const result = await ec2ScanningStatus(client, REGION);
        expect(result).to.deep.include({ enabled: false, status: "UNKNOWN" });
        if (!result.enabled) {
            expect(result.reason).to.include("inspector2:BatchGetAccountStatus").and.include("User is not authorized");
            expect(result.howToEnable).to.include(REGION);
        }
    });

    it("throws other errors", async () => {
        const { client, mock } = setupInspector2();
        mock.on(BatchGetAccountStatusCommand).rejects(inspector2Error("InternalServerException", "boom", 500));
        await ec2ScanningStatus(client, REGION).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.name).to.equal("InternalServerException"),
        );
    });
});
