package dev.st4j.tokenizers;

/** One token a model produced: its id, its string, and its range [start, end) in the piece it came from. */
public record Token(int id, String value, int start, int end) {}
