/** Restores process.env after each test of the enclosing describe (handler factories read it). */
export function restoreProcessEnvAfterEach(): void {
    const saved = { ...process.env };
    afterEach(() => {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
    });
}
