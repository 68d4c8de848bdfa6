import { CopyButton } from "./copy-button";

/**
 * How to reach an environment that is not opened in the browser: the instructions rendered at its launch,
 * shown as plain text (never as markup or links: values in it come from parameters and claims) with Copy.
 */
export function ConnectionInstructions({ message, name, className = "" }: { message: string; name: string; className?: string }) {
  return (
    <div className={className}>
      <p className="text-sm font-medium">
        How to connect<span className="sr-only"> to {name}</span>
      </p>
      <pre
        data-testid="connection-message"
        className="mt-1 max-h-80 overflow-auto rounded bg-white px-3 py-2 font-mono text-sm whitespace-pre-wrap wrap-anywhere dark:bg-slate-950"
      >
        {message}
      </pre>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <CopyButton text={message} label="Copy instructions" />
      </div>
    </div>
  );
}
