-- One database per service (services own their data) and one for the gateway's decision log.
CREATE DATABASE registry OWNER gridgov;
CREATE DATABASE cases OWNER gridgov;
CREATE DATABASE fire OWNER gridgov;
CREATE DATABASE inspection OWNER gridgov;
CREATE DATABASE notifier OWNER gridgov;
CREATE DATABASE gateway OWNER gridgov;
