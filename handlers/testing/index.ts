export { startTestSiteWith, request, type TestSite, type TestSiteOptions, type TestRequestOptions, type TestReply } from "./test-site";
