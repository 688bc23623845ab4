package io.seedbootstrap.inventory.model;

import io.seedbootstrap.bind.Default;
import io.seedbootstrap.bind.Doc;
import io.seedbootstrap.bind.Range;
import java.util.List;

public record Preflight(
        @Doc("Minimums for servers.") @Default("{cpus: 2, memoryMiB: 4096, diskGiB: 30}") Minimums server,
        @Doc("Minimums for agents.") @Default("{cpus: 1, memoryMiB: 2048, diskGiB: 20}") Minimums agent,
        @Doc("Largest clock difference, in seconds, between a host and the operator's machine.") @Default("5") @Range(min = 0, max = 3600) int maxClockSkewSeconds,
        @Doc("Names of preflight checks to skip (each skip is reported).") List<String> skip) {

    public record Minimums(
            @Doc("CPU cores.") @Default("1") @Range(min = 1, max = 4096) int cpus,
            @Doc("Memory in MiB.") @Default("1024") @Range(min = 128, max = 16777216) int memoryMiB,
            @Doc("Free disk in GiB under /var/lib/rancher.") @Default("10") @Range(min = 1, max = 1048576) int diskGiB) {}
}
