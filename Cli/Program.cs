// Entry point of xsave-conformance: everything happens in Runner so that tests can run it in-process.
return Xsave.Cli.Runner.Run(args);
