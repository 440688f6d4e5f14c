/**
 * `tsmod-server/testing`: what a site's tests use to run its handlers over real HTTP
 * (docs/testing.md). The same functions as the package entry's, under a name a test runner
 * resolves without tsmod's loader.
 */
export { startTestSite, testRequest as request, type StartTestSiteOptions, type TestSite, type TestRequestOptions, type TestReply } from "./index";
