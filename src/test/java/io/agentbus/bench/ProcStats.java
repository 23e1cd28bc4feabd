package io.agentbus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time and RSS of processes, from /proc (Linux). */
final class ProcStats {

  /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
  static final double HZ = 100.0;

  private ProcStats() {}

  /** User + system CPU seconds of one process (all its threads). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": field 3 is state → utime is index 11, stime 12
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / HZ;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  /** CPU seconds of every PostgreSQL server process on the machine (the benchmark's only users). */
  static double postgresCpuSeconds() {
    double total = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Files.readString(p.resolve("comm")).trim().startsWith("postgres")) {
            total += cpuSeconds(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException gone) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return total;
  }

  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
