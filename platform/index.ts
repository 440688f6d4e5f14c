export * from "./constants";
export * from "./errors";
export { Table } from "./table";
