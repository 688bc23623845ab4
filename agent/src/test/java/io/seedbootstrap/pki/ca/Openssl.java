package io.seedbootstrap.pki.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The openssl CLI, as an independent judge of what the Java code wrote. */
final class Openssl {
    record Result(int exitCode, String out, String err) {}

    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\\s*", Pattern.DOTALL);

    private Openssl() {}

    static Result run(Map<String, String> environment, byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        return exec(command, environment, stdin);
    }

    static Result run(String... args) {
        return run(Map.of(), null, args);
    }

    /** Runs and insists on exit 0. */
    static String ok(String... args) {
        Result result = run(args);
        assertEquals(0, result.exitCode(), "openssl " + String.join(" ", args) + ": " + result.err());
        return result.out();
    }

    static Result shell(String script) {
        return exec(List.of("sh", "-c", script), Map.of(), null);
    }

    private static Result exec(List<String> command, Map<String, String> environment, byte[] stdin) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin);
            }
            process.getOutputStream().close();
            byte[] err = process.getErrorStream().readAllBytes();
            byte[] out = process.getInputStream().readAllBytes();
            int code = process.waitFor();
            return new Result(code, new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The PEM blocks of a file, in order. */
    static List<String> split(Path file) throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = PEM.matcher(Files.readString(file));
        while (matcher.find()) {
            blocks.add(matcher.group().strip() + "\n");
        }
        return blocks;
    }

    /** sha256 of the certificate's DER as openssl encodes it (hashed by the JDK, not by the code under test). */
    static String fingerprint(String pem, Path scratch) {
        try {
            Process process = new ProcessBuilder("openssl", "x509", "-outform", "DER").start();
            process.getOutputStream().write(pem.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            byte[] der = process.getInputStream().readAllBytes();
            assertEquals(0, process.waitFor(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(der));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(Path certificate) {
        return ok("x509", "-in", certificate.toString(), "-noout", "-text");
    }
}
