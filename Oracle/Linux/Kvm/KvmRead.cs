using Xsave.Contract.Linux;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>An ioctl that fills a buffer: its result and what userspace gets back.</summary>
public sealed record KvmRead<T>(KResult Result, T Value);
