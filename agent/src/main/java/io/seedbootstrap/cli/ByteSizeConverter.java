package io.seedbootstrap.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Sizes on the command line: 4294967295, 512M, 2GiB, 100k (binary units). */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("^([0-9]{1,19})\\s*([kmgt]?)(i?b)?$");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("\"" + value + "\" is not a size; write bytes (4294967295) or 512M, 2G, 100K");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long number = Long.parseLong(m.group(1));
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("\"" + value + "\" is too large");
        }
        return number << shift;
    }
}
