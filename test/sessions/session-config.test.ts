import { ErrorCode } from "../../platform";
import { readSessionConfig } from "../../sessions";

const read = (options: Record<string, string>) => readSessionConfig({ get: (name) => options[name] });

describe("readSessionConfig", () => {
  it("has mod_python's defaults, with sqlite as the store", () => {
    expect(read({})).toEqual({
      type: "sqlite",
      database: undefined,
      url: undefined,
      keyPrefix: "tsmod:session:",
      schema: undefined,
      databaseDirectory: undefined,
      cookieName: "tsmodsid",
      timeout: 1800,
      lockTimeoutMs: 10_000,
      path: "/",
      domain: undefined,
      secure: false,
      secret: undefined,
    });
  });

  it("reads every option", () => {
    const config = read({
      "tsmod.session.type": "Postgres",
      "tsmod.session.database": "postgres://db/app",
      "tsmod.session.schema": "app_sessions",
      "tsmod.session.cookie_name": "sid",
      "tsmod.session.timeout": "60",
      "tsmod.session.lock_timeout": "0.5",
      "tsmod.session.application_path": "/app",
      "tsmod.session.application_domain": "example.org",
      "tsmod.session.secure": "yes",
    });
    expect(config).toMatchObject({ type: "postgres", cookieName: "sid", timeout: 60, lockTimeoutMs: 500, path: "/app" });
    expect([config.domain, config.secure, config.schema]).toEqual(["example.org", true, "app_sessions"]);
  });

  it("treats an empty value as unset (TsOption key with no value)", () => {
    expect(read({ "tsmod.session.timeout": "", "tsmod.session.type": " " })).toMatchObject({ timeout: 1800, type: "sqlite" });
  });

  it.each([
    [{ "tsmod.session.type": "dbm" }, "tsmod.session.type must be one of memory, sqlite, postgres, cookie"],
    [{ "tsmod.session.type": "postgres" }, "tsmod.session.database is required"],
    [{ "tsmod.session.type": "postgres", "tsmod.session.database": "/tmp/x" }, "tsmod.session.database must be a postgres:// URL"],
    [{ "tsmod.session.type": "cookie" }, "tsmod.secret must be set to at least 32 characters"],
    [{ "tsmod.session.timeout": "1.5" }, "tsmod.session.timeout must be a positive whole number"],
    [{ "tsmod.session.timeout": "-5" }, "tsmod.session.timeout must be a positive whole number"],
    [{ "tsmod.session.lock_timeout": "0" }, "tsmod.session.lock_timeout must be a positive number"],
    [{ "tsmod.session.schema": "Public; drop" }, "tsmod.session.schema must be a lower-case PostgreSQL name"],
    [{ "tsmod.session.cookie_name": "a b" }, "tsmod.session.cookie_name is not a valid cookie name"],
    [{ "tsmod.session.application_path": "app" }, "tsmod.session.application_path must be a URL path"],
    [{ "tsmod.session.application_path": "/a;Domain=evil" }, "tsmod.session.application_path must be a URL path"],
    [{ "tsmod.session.application_domain": "a;b" }, "tsmod.session.application_domain is not a valid cookie domain"],
    [{ "tsmod.session.secure": "maybe" }, "tsmod.session.secure must be On or Off"],
  ])("rejects %j naming the option", (options, message) => {
    expect(() => read(options)).toThrow(expect.objectContaining({ code: ErrorCode.SESSION_CONFIG, message: expect.stringContaining(`TsOption ${message}`) }));
  });
});
