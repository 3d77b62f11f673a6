package io.accountsync.cli;

public final class Main {
    public static void main(String[] args) {
    }
}
