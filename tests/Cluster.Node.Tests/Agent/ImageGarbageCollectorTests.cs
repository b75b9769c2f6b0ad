using Cluster.Node.Agent;
using Cluster.Node.Agent.Runtime;

namespace Cluster.Node.Tests.Agent;

/// <summary>The image GC's decisions on made-up images and disk figures: thresholds, least recently used first, ages, pins.</summary>
public sealed class ImageGarbageCollectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly AgentSettings Settings = new() { ImageGcHighThresholdPercent = 85, ImageGcLowThresholdPercent = 80, ImageMinimumGcAge = TimeSpan.FromMinutes(2), ImageGcPinned = ["local/busybox:1"] };

    private static RuntimeImage Image(string id, long size, params string[] references) => new(id, references, size);

    [Fact]
    public void DiskBelowHighThreshold_NothingRemoved()
    {
        var gc = new ImageGarbageCollector(Settings);
        var images = new[] { Image("a", 100) };

        gc.Plan(images, new HashSet<string>(), 1000, 1000, T0);

        Assert.Empty(gc.Plan(images, new HashSet<string>(), 1000, 160, T0.AddHours(1)));
    }

    [Fact]
    public void DiskAboveHighThreshold_LeastRecentlyUsedRemovedUntilLowThreshold_InUsePinnedAndYoungKept()
    {
        var gc = new ImageGarbageCollector(Settings);
        var old = Image("old", 60, "app/old:1");
        var recent = Image("recent", 60, "app/recent:1");
        var third = Image("third", 60, "app/third:1");
        var running = Image("running", 500, "app/running:1");
        var pinned = Image("busybox", 500, "local/busybox:1");
        var infra = Image("pause", 500, "local/pause:1");
        gc.Plan([old, recent, third, running, pinned, infra], new HashSet<string> { "old", "recent", "third" }, 1000, 500, T0);
        gc.Plan([old, recent, third, running, pinned, infra], new HashSet<string> { "recent", "third" }, 1000, 500, T0.AddMinutes(5));
        gc.Plan([old, recent, third, running, pinned, infra], new HashSet<string> { "third" }, 1000, 500, T0.AddMinutes(10));
        var young = Image("young", 60, "app/young:1");

        // 900 of 1000 used (90% >= 85%): 100 must go to reach 80%; the two least recently used unused images do it.
        var removed = gc.Plan([old, recent, third, running, pinned, infra, young], new HashSet<string> { "running" }, 1000, 100, T0.AddMinutes(11));

        Assert.Equal(["old", "recent"], removed.Select(i => i.Id));
    }

    [Fact]
    public void MaximumAge_ImageUnusedLongerIsRemoved_WhateverTheDisk()
    {
        var gc = new ImageGarbageCollector(Settings with { ImageMaximumGcAge = TimeSpan.FromMinutes(30) });
        var stale = Image("stale", 10, "app/stale:1");
        var fresh = Image("fresh", 10, "app/fresh:1");
        gc.Plan([stale, fresh], new HashSet<string> { "fresh" }, 1000, 1000, T0);
        gc.Plan([stale, fresh], new HashSet<string> { "fresh" }, 1000, 1000, T0.AddMinutes(20));

        Assert.Equal(["stale"], gc.Plan([stale, fresh], new HashSet<string>(), 1000, 1000, T0.AddMinutes(31)).Select(i => i.Id));
    }

    [Fact]
    public void PinnedWithoutTag_MeansLatest()
    {
        var gc = new ImageGarbageCollector(Settings with { ImageGcPinned = ["app/base"], ImageMaximumGcAge = TimeSpan.FromMinutes(3) });
        var latest = Image("latest", 10, "app/base:latest");
        var tagged = Image("tagged", 10, "app/base:2");
        gc.Plan([latest, tagged], new HashSet<string>(), 1000, 1000, T0);

        Assert.Equal(["tagged"], gc.Plan([latest, tagged], new HashSet<string>(), 1000, 1000, T0.AddMinutes(10)).Select(i => i.Id));
    }
}
