"""Strand, Vedlegg 5: the list of tiltak a case may pick from."""

from __future__ import annotations

# Strand, Vedlegg 5: Tips til tiltak som kan settes inn ("Listen ... er ikke uttømmende":
# tiltak may also be typed). Texts as in the seed, only the PDF's line breaks joined.
VEDLEGG5_TILTAK: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Aktuelle tiltak knyttet til skolehverdagen",
        (
            "Kartleggingssamtalene jf. vedlegg 1 og 2.",
            "Utforme skolenærværsplan jf. vedlegg 4.",
            "Innhente informasjon fra andre instanser som er i kontakt med eleven (husk samtykke).",
            "Etablere/videreføre positive relasjoner til voksenpersoner på skolen for å skape "
            "trygghet for eleven.",
            "Informere klassen og andre lærere etter avtale med elev og foresatte, om at det "
            "ikke skal stilles spørsmål ved fraværet.",
            "Ha jevnlig kontakt med eleven for emosjonell støtte, også når eleven ikke møter "
            "på skolen.",
            "Samarbeide med eleven rundt faglig tilrettelegging, spørre eleven til råds.",
            "Sørge for tilpasset opplæring og legge vekt på fag som mestres.",
            "Etablere systemer for å ivareta forutsigbarhet og struktur i skolehverdagen "
            "for eleven.",
            "Forberede og informere eleven ved endringer i dagsrutinene.",
            "Tenke over elevens plassering i klasserommet.",
            "Møte eleven i skolegården eller på annet avtalt sted om morgenen for å følge til "
            "klasserommet",
            "Ha alltid en plan B dersom eleven ikke klarer å møte på skolen som avtalt "
            "(jf. skolenærværsplanen)",
            "Sørge for at eleven opprettholder sosial kontakt med medelever både på skolen "
            "dersom eleven er utrygg og dersom eleven er hjemme.",
            "Gi forutsigbarhet i friminutt ved f.eks. igangsetting av aktiviteter",
            "Hjelpe til med å organisere at eleven har noen å gå sammen med til/fra skolen",
            "Vurdere fortløpende behov for samarbeid med andre instanser og behov for videre "
            "henvisning",
        ),
    ),
    (
        "Aktuelle tiltak knyttet til hjem-skole samarbeidet",
        (
            "Ha åpen og jevnlig dialog med foresatte",
            "Informere foresatte om hva bekymringsfullt fravær er og gi informasjon om hvordan "
            "skolen jobber med dette (rutiner/tiltak)",
            "Trygge foresatte på at skolen gjør sitt beste",
            "Anerkjenne foresattes tanker/ideer/bekymringer/utfordringer",
            "Vise fleksibilitet og tilpasningsevne fra skolens side i forslag til tiltak som "
            "skal bedre situasjonen for eleven.",
            "Ved store utfordringer med å få elev på skolen kan skolen tilby at en fra skolen "
            "(kontaktlærer, miljøterapeut e.l.) møter eleven på skoleveien eller hjemme.",
        ),
    ),
)
