package dev.quire.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A separate JVM saves checkpoints in a loop ({@link SaveLoop}) and is killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) at 20 different moments spread over the writing of a checkpoint; after every
 * kill the checkpoint must load, pass every check, and hold exactly the data of a save that completed:
 * the last one the process reported, or the one under way if its rename had already happened.
 */
class CrashSafetyTest {

    static final int KILLS = 20;

    @TempDir
    Path dir;

    private static List<String> command(Path file) {
        var entries = new LinkedHashSet<String>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                entries.addAll(List.of(value.split(File.pathSeparator)));
            }
        }
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", String.join(File.pathSeparator, entries), SaveLoop.class.getName(), file.toString());
    }

    /** Waits until the process has written {@code count} complete lines to {@code log}. */
    private static List<String> waitForLines(Path log, Process process, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            List<String> lines = text.lines().toList();
            if (text.endsWith("\n") && lines.size() >= count) {
                return lines;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the saver died: " + text);
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the saver did not get going: " + Files.readString(log));
    }

    @Test
    @Timeout(120)
    void killedWhileSavingLeavesTheLastCompleteCheckpoint() throws Exception {
        Path file = dir.resolve("checkpoint-latest.pb");
        long cycleMicros = 0;
        var moments = new ArrayList<Long>();
        int midWrite = 0;
        int renamedUnreported = 0;
        Path log = dir.getParent().resolve(dir.getFileName() + "-saver.log");
        // At least KILLS kills; whether one lands inside a write depends on timing on a busy machine, so
        // keep going (up to 3 × KILLS) until one has, rather than fail on the meta-check below by chance.
        int kills = 0;
        for (int kill = 0; kill < KILLS || (midWrite == 0 && kill < 3 * KILLS); kill++) {
            kills++;
            Files.deleteIfExists(log);
            Process process = new ProcessBuilder(command(file)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            long lastSaved = -1;
            String lastHash = null;
            try {
                // Let it save twice (the first save of a JVM is slow), learn how long a save takes, then
                // kill it at a different fraction of the next save cycle each time.
                List<String> lines = waitForLines(log, process, 3);
                assertThat(lines.getFirst()).as("the saver starts (it loads the previous checkpoint first)")
                        .startsWith("ready ");
                long start = Long.parseLong(lines.getFirst().substring(6));
                String[] second = lines.get(2).split(" ");
                assertThat(Long.parseLong(second[1])).isEqualTo(start + 2);
                cycleMicros = Long.parseLong(second[2]);
                // Preparing the next save's tensors comes first, then the write: spread the kills over the write.
                long delayMicros = Long.parseLong(second[4]) + cycleMicros * (kill % KILLS) / KILLS + kill / KILLS;
                moments.add(delayMicros);
                TimeUnit.MICROSECONDS.sleep(delayMicros);
            } finally {
                process.destroyForcibly();
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            // Every save it reported before dying completed.
            for (String line : Files.readAllLines(log)) {
                String[] parts = line.split(" ");
                if (parts.length == 5 && parts[0].equals("saved")) {
                    lastSaved = Long.parseLong(parts[1]);
                    lastHash = parts[3];
                }
            }
            assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);

            Checkpoint loaded = Checkpoints.read(file);
            long save = Long.parseLong(loaded.header().getMetadataOrThrow("save"));
            assertThat(save).as("kill %d: the newest complete save", kill).isBetween(lastSaved, lastSaved + 1);
            String hash = SaveLoop.hash(loaded.tensors().values());
            assertThat(hash).as("what was saved").isEqualTo(loaded.header().getMetadataOrThrow("sha256"));
            assertThat(hash).as("what save %d holds", save).isEqualTo(save == lastSaved ? lastHash
                    : SaveLoop.hash(SaveLoop.tensors(save)));
            long temporaries;
            try (var files = Files.list(dir)) {
                temporaries = files.filter(p -> !p.equals(file)).count();
            }
            assertThat(temporaries).as("at most the killed save's temporary file").isLessThanOrEqualTo(1);
            midWrite += (int) temporaries;
            renamedUnreported += save == lastSaved + 1 ? 1 : 0;
        }
        assertThat(new LinkedHashSet<>(moments)).as("every kill at a different moment").hasSize(kills);
        System.out.println("crash safety: " + kills + " kills at " + moments + " us; " + midWrite
                + " left a half-written temporary file, " + renamedUnreported + " died after the rename");
        assertThat(midWrite).as("kills that interrupted a write").isPositive();
        // The next save cleans up what the killed writer left.
        Checkpoints.write(file, dev.quire.runtime.checkpoint.proto.Header.getDefaultInstance(), SaveLoop.tensors(0));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(file.getFileName().toString());
        }
    }
}
