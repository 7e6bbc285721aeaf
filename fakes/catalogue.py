"""The films both fakes know: real TMDB ids, IMDb ids, titles and years; the other details are approximate."""

from dataclasses import dataclass

DRAMA = (18, "Drama")
CRIME = (80, "Crime")
ACTION = (28, "Action")
ADVENTURE = (12, "Adventure")
THRILLER = (53, "Thriller")
ANIMATION = (16, "Animation")
FAMILY = (10751, "Family")
FANTASY = (14, "Fantasy")
HORROR = (27, "Horror")
SCIENCE_FICTION = (878, "Science Fiction")


@dataclass(frozen=True)
class Film:
    """One film as TMDB describes it; imdb_id None for a film TMDB has no IMDb id for."""

    tmdb_id: int
    imdb_id: str | None
    title: str
    release_date: str
    runtime: int = 100
    genres: tuple = (DRAMA,)
    overview: str = ""
    original_title: str = ""
    original_language: str = "en"
    popularity: float = 10.0
    vote_average: float = 7.0

    @property
    def year(self):
        return int(self.release_date[:4])


FILMS = (
    Film(278, "tt0111161", "The Shawshank Redemption", "1994-09-23", 142, (DRAMA, CRIME),
         "Two imprisoned men bond over a number of years.", popularity=95.1, vote_average=8.7),
    Film(238, "tt0068646", "The Godfather", "1972-03-14", 175, (DRAMA, CRIME),
         "The aging patriarch of a crime dynasty hands it to his reluctant son.", popularity=90.4, vote_average=8.7),
    Film(155, "tt0468569", "The Dark Knight", "2008-07-16", 152, (DRAMA, ACTION, CRIME, THRILLER),
         "Batman faces the Joker, who wants to plunge Gotham into anarchy.", popularity=88.2, vote_average=8.5),
    Film(680, "tt0110912", "Pulp Fiction", "1994-09-10", 154, (THRILLER, CRIME),
         "The lives of two mob hitmen, a boxer and a pair of bandits intertwine.", popularity=70.3, vote_average=8.5),
    Film(129, "tt0245429", "Spirited Away", "2001-07-20", 125, (ANIMATION, FAMILY, FANTASY),
         "A girl wanders into a world ruled by gods, witches and spirits.", original_title="千と千尋の神隠し",
         original_language="ja", popularity=80.6, vote_average=8.5),
    Film(348, "tt0078748", "Alien", "1979-05-25", 117, (HORROR, SCIENCE_FICTION),
         "The crew of a commercial spacecraft meets a deadly lifeform.", popularity=60.9, vote_average=8.2),
    Film(27205, "tt1375666", "Inception", "2010-07-15", 148, (ACTION, SCIENCE_FICTION, ADVENTURE),
         "A thief who steals secrets through dreams is asked to plant an idea.", popularity=85.7, vote_average=8.4),
    Film(949, "tt0113277", "Heat", "1995-12-15", 170, (CRIME, DRAMA, ACTION, THRILLER),
         "A detective hunts a professional thief planning one last heist.", popularity=40.2, vote_average=7.9),
    Film(999001, None, "A Film Without IMDb", "2015-06-01", 90, (DRAMA,),
         "A made-up film that TMDB knows but IMDb does not.", popularity=1.0, vote_average=5.0),
)  # fmt: skip

BY_IMDB = {film.imdb_id: film for film in FILMS if film.imdb_id}
