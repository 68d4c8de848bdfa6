// Stand-in for the `server-only` marker package: tests always run on the server side.
export {};
